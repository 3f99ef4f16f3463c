package dev.tenantgate.role;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Better Auth's role strings: one role, or several separated by commas ({@code "staff,viewer"}), each meaning the
 * holder has that role.
 */
public final class Roles {

	private Roles() {
	}

	/** Splits {@code value} on commas, trimming blanks; an absent or blank value gives the empty set. */
	public static Set<String> parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return Set.of();
		}
		if (value.indexOf(',') < 0) {
			return Set.of(value.strip());
		}
		Set<String> roles = new LinkedHashSet<>();
		for (String role : value.split(",")) {
			String stripped = role.strip();
			if (!stripped.isEmpty()) {
				roles.add(stripped);
			}
		}
		return Collections.unmodifiableSet(roles);
	}

	/** An unmodifiable copy of {@code roles} that keeps their order (so headers are stable). */
	public static Set<String> copyOf(Set<String> roles) {
		if (roles.size() <= 1) {
			return Set.copyOf(roles);
		}
		return Collections.unmodifiableSet(new LinkedHashSet<>(roles));
	}

	/** Joins {@code roles} with commas, the way Better Auth stores them. */
	public static String join(Set<String> roles) {
		return String.join(",", roles);
	}

}
