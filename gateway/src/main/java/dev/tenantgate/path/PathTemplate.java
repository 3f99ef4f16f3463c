package dev.tenantgate.path;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashSet;

import org.jspecify.annotations.Nullable;

/**
 * A compiled route path such as {@code /api/orgs/{orgId}/orders/**}. Segments are literals (matched exactly, case
 * sensitive), {@code {name}} variables (one non-empty segment), {@code *} (any one segment), or a final {@code **}
 * (zero or more segments). Compiled once at start-up; matching allocates only the variables map.
 */
public final class PathTemplate {

	private final String source;

	private final String[] literals;

	private final String[] variables;

	private final boolean trailingWildcard;

	private PathTemplate(String source, String[] literals, String[] variables, boolean trailingWildcard) {
		this.source = source;
		this.literals = literals;
		this.variables = variables;
		this.trailingWildcard = trailingWildcard;
	}

	/**
	 * Compiles {@code template}.
	 * @throws IllegalArgumentException naming the problem when the template is not valid
	 */
	public static PathTemplate compile(String template) {
		if (template == null || !template.startsWith("/")) {
			throw new IllegalArgumentException("path must start with '/', but was '" + template + "'");
		}
		String[] parts = template.substring(1).split("/", -1);
		if (template.equals("/")) {
			parts = new String[0];
		}
		List<String> literals = new ArrayList<>();
		List<String> variables = new ArrayList<>();
		Set<String> names = new LinkedHashSet<>();
		boolean trailingWildcard = false;
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			if (part.equals("**")) {
				if (i != parts.length - 1) {
					throw new IllegalArgumentException("'**' may only end a path, but path was '" + template + "'");
				}
				trailingWildcard = true;
			}
			else if (part.startsWith("{") && part.endsWith("}")) {
				String name = part.substring(1, part.length() - 1);
				if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
					throw new IllegalArgumentException("invalid variable '" + part + "' in path '" + template + "'");
				}
				if (!names.add(name)) {
					throw new IllegalArgumentException("variable '" + name + "' appears twice in path '" + template + "'");
				}
				literals.add(null);
				variables.add(name);
			}
			else if (part.equals("*")) {
				literals.add(null);
				variables.add(null);
			}
			else if (part.isEmpty() || part.equals(".") || part.equals("..") || part.contains("{") || part.contains("}")
					|| part.contains("*") || part.contains(";") || part.contains("%")) {
				throw new IllegalArgumentException("invalid segment '" + part + "' in path '" + template + "'");
			}
			else {
				literals.add(part);
				variables.add(null);
			}
		}
		return new PathTemplate(template, literals.toArray(new String[0]), variables.toArray(new String[0]),
				trailingWildcard);
	}

	/** The names of the {@code {variables}} in this template. */
	public Set<String> variableNames() {
		Set<String> names = new LinkedHashSet<>();
		for (String variable : this.variables) {
			if (variable != null) {
				names.add(variable);
			}
		}
		return Collections.unmodifiableSet(names);
	}

	/**
	 * Matches {@code path}.
	 * @return the variables, or {@code null} when the path does not match
	 */
	public @Nullable Map<String, String> match(NormalizedPath path) {
		List<String> segments = path.segments();
		int size = this.literals.length;
		if (segments.size() < size || (!this.trailingWildcard && segments.size() != size)) {
			return null;
		}
		for (int i = 0; i < size; i++) {
			String literal = this.literals[i];
			if (literal != null && !literal.equals(segments.get(i))) {
				return null;
			}
		}
		Map<String, String> values = new HashMap<>(4);
		for (int i = 0; i < size; i++) {
			if (this.variables[i] != null) {
				values.put(this.variables[i], segments.get(i));
			}
		}
		return values;
	}

	/**
	 * Whether every path that {@code other} matches is matched by this template too (so, listed first, this
	 * template would leave {@code other} unreachable).
	 */
	public boolean covers(PathTemplate other) {
		int size = this.literals.length;
		if (this.trailingWildcard ? other.literals.length < size
				: (other.trailingWildcard || other.literals.length != size)) {
			return false;
		}
		for (int i = 0; i < size; i++) {
			String mine = this.literals[i];
			if (mine != null && !mine.equals(other.literals[i])) {
				return false;
			}
		}
		return true;
	}

	/** The segment count before a trailing {@code **}. */
	int size() {
		return this.literals.length;
	}

	/** The literal at {@code index}, or {@code null} where the template has a {@code {variable}} or {@code *}. */
	@Nullable String literalAt(int index) {
		return this.literals[index];
	}

	/** Whether the template ends with {@code **}. */
	boolean endsWithWildcard() {
		return this.trailingWildcard;
	}

	@Override
	public String toString() {
		return this.source;
	}

}
