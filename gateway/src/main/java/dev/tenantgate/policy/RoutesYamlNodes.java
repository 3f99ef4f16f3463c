package dev.tenantgate.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads routes.yml's nodes strictly: mappings with known keys only (a typo must never loosen a rule), no duplicate
 * keys, single values where one is expected; every error names the file and line.
 */
final class RoutesYamlNodes {

	private final String source;

	RoutesYamlNodes(String source) {
		this.source = source;
	}

	Map<String, Node> mapping(Node node, String what, Set<String> allowedKeys) {
		return mapping(node, what, allowedKeys::contains, "one of " + allowedKeys.stream().sorted().toList());
	}

	Map<String, Node> mapping(Node node, String what, Predicate<String> allowedKeys, String expected) {
		if (!(node instanceof MappingNode mapping)) {
			throw error(node, what + " must be a mapping");
		}
		Map<String, Node> fields = new LinkedHashMap<>();
		for (NodeTuple tuple : mapping.getValue()) {
			Node keyNode = tuple.getKeyNode();
			String key = (keyNode instanceof ScalarNode scalar) ? scalar.getValue() : null;
			if (key == null || !allowedKeys.test(key)) {
				throw error(keyNode, "unknown key '" + key + "' in " + what + "; expected " + expected);
			}
			// SnakeYAML's allowDuplicateKeys only applies when constructing objects, not to compose(): check here.
			if (fields.put(key, tuple.getValueNode()) != null) {
				throw error(keyNode, "duplicate key '" + key + "' in " + what);
			}
		}
		return fields;
	}

	String requiredScalar(Map<String, Node> fields, String key, Node parent) {
		String value = optionalScalar(fields.get(key), key);
		if (value == null || value.isBlank()) {
			throw error(fields.getOrDefault(key, parent), "'" + key + "' is required");
		}
		return value;
	}

	@Nullable String optionalScalar(@Nullable Node node, String what) {
		if (node == null) {
			return null;
		}
		if (!(node instanceof ScalarNode scalar)) {
			throw error(node, what + " must be a single value");
		}
		return scalar.getValue();
	}

	boolean bool(@Nullable Node node, String what) {
		String value = optionalScalar(node, what);
		if (value == null || value.equals("false")) {
			return false;
		}
		if (value.equals("true")) {
			return true;
		}
		throw error(node, what + " must be true or false, but was '" + value + "'");
	}

	RoutesFileException error(@Nullable Node node, String reason) {
		return new RoutesFileException(this.source, (node != null) ? line(node) : 1, reason);
	}

	static int line(Node node) {
		return node.getStartMark().getLine() + 1;
	}

}
