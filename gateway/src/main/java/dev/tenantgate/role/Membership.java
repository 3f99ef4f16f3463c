package dev.tenantgate.role;

import java.util.Set;

/**
 * A user's member roles in one organization; no roles means the user is not a member.
 *
 * @param roles the member roles ({@code owner}, {@code admin}, {@code staff}, {@code viewer}, ...)
 */
public record Membership(Set<String> roles) {

	/** Not a member of the organization. */
	public static final Membership NONE = new Membership(Set.of());

	public Membership {
		roles = Roles.copyOf(roles);
	}

	public static Membership of(String roles) {
		Set<String> parsed = Roles.parse(roles);
		return parsed.isEmpty() ? NONE : new Membership(parsed);
	}

	public boolean isMember() {
		return !this.roles.isEmpty();
	}

}
