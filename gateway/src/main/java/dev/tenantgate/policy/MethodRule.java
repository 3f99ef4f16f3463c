package dev.tenantgate.policy;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who may call one HTTP method of a route.
 *
 * @param access what kind of rule this is
 * @param memberRoles member roles that are allowed, any one suffices (empty when a minimum is used)
 * @param minimumRole the least powerful member role allowed, in the route's hierarchy
 * @param platformRoles platform roles ({@code users.role}) that are allowed whatever the member role
 */
public record MethodRule(Access access, Set<String> memberRoles, @Nullable String minimumRole,
		Set<String> platformRoles) {

	public MethodRule {
		memberRoles = Set.copyOf(memberRoles);
		platformRoles = Set.copyOf(platformRoles);
	}

	/** Whether a member role could grant access, so the membership must be resolved. */
	public boolean usesMemberRoles() {
		return this.access == Access.MEMBER || !this.memberRoles.isEmpty() || this.minimumRole != null;
	}

	/** The kinds of rule. */
	public enum Access {

		/** No token needed at all. */
		PUBLIC,

		/** Any valid token; on a tenant route, any member of the tenant. */
		AUTHENTICATED,

		/** Any member role of the tenant (set internally for {@code authenticated} on tenant routes). */
		MEMBER,

		/** The listed member roles, minimum role, or platform roles. */
		ROLES

	}

}
