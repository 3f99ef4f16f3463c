package dev.tenantgate.path;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Finds the first of a list of {@link PathTemplate}s that matches a path, as a scan in list order would, in a time
 * that depends on the path and on how the templates branch, not on how many templates there are.
 * <p>
 * A trie over the templates' segments: a literal segment is a child found by its text, a {@code {variable}} or
 * {@code *} the one child that takes any segment, and a template ends on its last segment's node, either exactly
 * there or with {@code **} (any rest, none included). A path can match several templates (a literal and a variable
 * at the same place, a {@code **} and a longer template); the answer is the lowest index among all that match, so
 * every node keeps the lowest index below it and the search leaves out a branch that cannot beat the best found so
 * far. Each node is visited at most once per look-up, so even templates built to branch everywhere cost at most the
 * trie's size; usual route sets (literal prefixes, a tenant variable, a literal per service) cost one hash look-up
 * per segment. Built once per {@code routes.yml}; immutable afterwards, and a look-up allocates nothing.
 */
public final class PathTemplateIndex {

	private static final int NONE = Integer.MAX_VALUE;

	private final Node root;

	private final int size;

	private PathTemplateIndex(Node root, int size) {
		this.root = root;
		this.size = size;
	}

	/** Indexes {@code templates}; their positions in the list are the indexes {@link #firstMatch} answers. */
	public static PathTemplateIndex of(List<PathTemplate> templates) {
		Node root = new Node();
		for (int index = 0; index < templates.size(); index++) {
			PathTemplate template = templates.get(index);
			Node node = root;
			for (int segment = 0; segment < template.size(); segment++) {
				node = node.child(template.literalAt(segment));
			}
			if (template.endsWithWildcard()) {
				node.rest = Math.min(node.rest, index);
			}
			else {
				node.exact = Math.min(node.exact, index);
			}
		}
		root.computeLowest();
		return new PathTemplateIndex(root, templates.size());
	}

	/** How many templates were indexed. */
	public int size() {
		return this.size;
	}

	/**
	 * The index of the first template, in list order, that matches {@code path}.
	 * @return the index, or {@code -1} when no template matches
	 */
	public int firstMatch(NormalizedPath path) {
		int best = search(this.root, path.segments(), 0, NONE);
		return (best != NONE) ? best : -1;
	}

	private static int search(Node node, List<String> segments, int depth, int best) {
		if (node.lowest >= best) {
			return best;
		}
		best = Math.min(best, node.rest);
		if (depth == segments.size()) {
			return Math.min(best, node.exact);
		}
		Node literal = (node.literals != null) ? node.literals.get(segments.get(depth)) : null;
		if (literal != null) {
			best = search(literal, segments, depth + 1, best);
		}
		if (node.any != null) {
			best = search(node.any, segments, depth + 1, best);
		}
		return best;
	}

	private static final class Node {

		/** Children by literal segment; {@code null} while there are none. */
		private @Nullable Map<String, Node> literals;

		/** The child for a {@code {variable}} or {@code *}. */
		private @Nullable Node any;

		/** The lowest index of a template ending here without {@code **}. */
		private int exact = NONE;

		/** The lowest index of a template ending here with {@code **}. */
		private int rest = NONE;

		/** The lowest index of a template ending here or below. */
		private int lowest = NONE;

		Node child(@Nullable String literal) {
			if (literal == null) {
				if (this.any == null) {
					this.any = new Node();
				}
				return this.any;
			}
			if (this.literals == null) {
				this.literals = new HashMap<>(4);
			}
			return this.literals.computeIfAbsent(literal, (key) -> new Node());
		}

		int computeLowest() {
			int low = Math.min(this.exact, this.rest);
			if (this.literals != null) {
				for (Node child : this.literals.values()) {
					low = Math.min(low, child.computeLowest());
				}
			}
			if (this.any != null) {
				low = Math.min(low, this.any.computeLowest());
			}
			this.lowest = low;
			return low;
		}

	}

}
