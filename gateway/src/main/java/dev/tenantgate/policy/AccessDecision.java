package dev.tenantgate.policy;

import java.util.Collections;
import java.util.Set;

import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.role.Membership;
import org.jspecify.annotations.Nullable;

/**
 * The decision of one request, as a pure function of the rule, the token's organization, the user and the member
 * roles: no lookups ({@link RequestAuthorizer} plans them). Its steps, in order, for a tenant route:
 * <table>
 * <caption>the decision table</caption>
 * <tr><th>step</th><th>when</th><th>outcome</th></tr>
 * <tr><td>0</td><td>no {@code organizationId} claim, the claim is required, the route is not cross-tenant</td>
 * <td>401 {@code organization_claim_missing}, before any lookup</td></tr>
 * <tr><td>1</td><td>the user is banned or no longer exists</td><td>403 {@code user_banned}</td></tr>
 * <tr><td>2</td><td>tenant check: the claim is the path's organization</td><td>passes</td></tr>
 * <tr><td></td><td>else the route is {@code cross-tenant} and the user holds one of its cross-tenant roles</td>
 * <td>passes (the only thing {@code cross-tenant} lifts)</td></tr>
 * <tr><td></td><td>else the claim names another organization</td><td>403 {@code tenant_mismatch}</td></tr>
 * <tr><td></td><td>else (no claim) the claim is required</td><td>401 {@code organization_claim_missing}</td></tr>
 * <tr><td></td><td>else (no claim, {@code require-organization-claim: false}) the user is not a member of the path's
 * organization</td><td>403 {@code not_a_member}, before any platform role counts</td></tr>
 * <tr><td>3</td><td>the rule names one of the user's platform roles</td><td>allowed, no member roles</td></tr>
 * <tr><td>4</td><td>the rule names no member role (platform roles only)</td><td>403 {@code role_insufficient}</td></tr>
 * <tr><td>5</td><td>the user is not a member of the path's organization</td><td>403 {@code not_a_member}</td></tr>
 * <tr><td>6</td><td>the member roles satisfy the rule ({@code roles}, {@code min-role}, or any role for
 * {@code authenticated})</td><td>allowed with them, else 403 {@code role_insufficient}</td></tr>
 * </table>
 * So a platform admin crossing into an organization where they are not a member gets {@code not_a_member} on a
 * {@code min-role} rule that does not name their platform role. On a route without a tenant, {@code authenticated}
 * or a platform role named by the rule allows, anything else is {@code role_insufficient}.
 */
public final class AccessDecision {

	private AccessDecision() {
	}

	/**
	 * Step 0, decided before anything is looked up: the refusal, or {@code null} when the request goes on.
	 * @param tenant the path's organization, {@code null} on a route without a tenant
	 * @param claimedOrganization the token's {@code organizationId}, or {@code null}
	 */
	public static @Nullable FailureCode beforeLookups(@Nullable String tenant, @Nullable String claimedOrganization,
			boolean requireOrganizationClaim, RoutePolicy route) {
		boolean claimMissing = tenant != null && claimedOrganization == null && requireOrganizationClaim;
		return (claimMissing && route.crossTenantRoles().isEmpty()) ? FailureCode.ORGANIZATION_CLAIM_MISSING : null;
	}

	/**
	 * Steps 1 to 6.
	 * @param tenant the path's organization, {@code null} on a route without a tenant
	 * @param claimedOrganization the token's {@code organizationId}, or {@code null}
	 * @param lockedOut whether the user is banned or no longer exists
	 * @param platformRoles the user's platform roles
	 * @param membership the member roles in {@code tenant}, or {@code null} when not looked up yet
	 */
	public static Verdict decide(@Nullable String tenant, @Nullable String claimedOrganization,
			boolean requireOrganizationClaim, RoutePolicy route, MethodRule rule, boolean lockedOut,
			Set<String> platformRoles, @Nullable Membership membership) {
		if (lockedOut) {
			return Verdict.deny(FailureCode.USER_BANNED);
		}
		boolean platformGrants = intersects(rule.platformRoles(), platformRoles);
		if (tenant == null) {
			return (rule.access() == MethodRule.Access.AUTHENTICATED || platformGrants) ? Verdict.ALLOW_WITHOUT_MEMBER
					: Verdict.deny(FailureCode.ROLE_INSUFFICIENT);
		}
		if (!tenant.equals(claimedOrganization) && !intersects(route.crossTenantRoles(), platformRoles)) {
			if (claimedOrganization != null) {
				return Verdict.deny(FailureCode.TENANT_MISMATCH);
			}
			if (requireOrganizationClaim) {
				return Verdict.deny(FailureCode.ORGANIZATION_CLAIM_MISSING);
			}
			// Without the claim, the membership stands in for it: a platform role counts only where the user is a
			// member, never in every organization the token names.
			if (membership == null) {
				return Verdict.NEEDS_MEMBERSHIP;
			}
			if (!membership.isMember()) {
				return Verdict.deny(FailureCode.NOT_A_MEMBER);
			}
		}
		if (platformGrants) {
			return Verdict.ALLOW_WITHOUT_MEMBER;
		}
		if (!rule.usesMemberRoles()) {
			return Verdict.deny(FailureCode.ROLE_INSUFFICIENT);
		}
		if (membership == null) {
			return Verdict.NEEDS_MEMBERSHIP;
		}
		if (!membership.isMember()) {
			return Verdict.deny(FailureCode.NOT_A_MEMBER);
		}
		return grants(rule, route.hierarchy(), membership.roles()) ? Verdict.allow(membership.roles())
				: Verdict.deny(FailureCode.ROLE_INSUFFICIENT);
	}

	private static boolean grants(MethodRule rule, RoleHierarchy hierarchy, Set<String> memberRoles) {
		if (rule.access() == MethodRule.Access.MEMBER) {
			return true;
		}
		if (rule.minimumRole() != null) {
			return hierarchy.satisfies(memberRoles, rule.minimumRole());
		}
		return intersects(rule.memberRoles(), memberRoles);
	}

	private static boolean intersects(Set<String> a, Set<String> b) {
		return !a.isEmpty() && !b.isEmpty() && !Collections.disjoint(a, b);
	}

	/**
	 * The outcome: allowed (with the member roles that decided, empty when a platform role did), refused with a code,
	 * or undecided until the member roles in the path's organization are known.
	 *
	 * @param allowed whether the request is allowed
	 * @param memberRoles the member roles that allowed it
	 * @param denial the refusal's code
	 */
	public record Verdict(boolean allowed, Set<String> memberRoles, @Nullable FailureCode denial) {

		/** Allowed by a platform role, or by {@code authenticated} on a route without a tenant. */
		public static final Verdict ALLOW_WITHOUT_MEMBER = new Verdict(true, Set.of(), null);

		/** Undecided: the member roles in the path's organization are needed. */
		public static final Verdict NEEDS_MEMBERSHIP = new Verdict(false, Set.of(), null);

		static Verdict allow(Set<String> memberRoles) {
			return new Verdict(true, memberRoles, null);
		}

		static Verdict deny(FailureCode code) {
			return new Verdict(false, Set.of(), code);
		}

		public boolean needsMembership() {
			return !this.allowed && this.denial == null;
		}

	}

}
