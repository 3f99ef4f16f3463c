package dev.tenantgate.token;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A claim name that may reach into a nested object: {@code organizationId}, or {@code o.id} for Neon Auth's nested
 * organization claim.
 */
public final class ClaimPath {

	private final String path;

	private final String[] parts;

	private ClaimPath(String path) {
		this.path = path;
		this.parts = path.split("\\.");
	}

	public static ClaimPath of(String path) {
		if (path == null || !path.matches("[A-Za-z_$][A-Za-z0-9_$-]*(\\.[A-Za-z_$][A-Za-z0-9_$-]*)*")) {
			throw new IllegalArgumentException("claim path must be names separated by '.', but was '" + path + "'");
		}
		return new ClaimPath(path);
	}

	/**
	 * Reads the claim as a string. A list of strings is joined with commas, the way Better Auth stores several roles.
	 * @return the value, or {@code null} when absent, empty or not a string
	 */
	public @Nullable String read(Map<String, Object> claims) {
		Object value = claims;
		for (String part : this.parts) {
			if (!(value instanceof Map<?, ?> map)) {
				return null;
			}
			value = map.get(part);
		}
		if (value instanceof String text) {
			return text.isEmpty() ? null : text;
		}
		if (value instanceof Collection<?> values && !values.isEmpty()
				&& values.stream().allMatch(String.class::isInstance)) {
			return values.stream().map(String.class::cast).collect(Collectors.joining(","));
		}
		return null;
	}

	@Override
	public String toString() {
		return this.path;
	}

}
