package dev.tenantgate.policy;

import java.time.Clock;
import java.util.Collections;
import java.util.Set;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.role.Identifiers;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.Roles;
import dev.tenantgate.support.ScalarMono;
import dev.tenantgate.token.VerifiedToken;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Decides whether a verified token may make a request on a route, in this order:
 * <ol>
 * <li>the user must exist and not be banned ({@code user_banned});</li>
 * <li>on a tenant route, the path's tenant must be the token's organization ({@code tenant_mismatch}), unless the
 * route lets the user's platform role cross tenants;</li>
 * <li>a platform role named by the rule grants access outright;</li>
 * <li>otherwise the member roles in the tenant must satisfy the rule ({@code not_a_member},
 * {@code role_insufficient}).</li>
 * </ol>
 * Roles are looked up only when the rule needs them: the token's claims first, while no change has been recorded
 * since the token was issued, then the role tiers. When every answer comes from memory the decision is made at once
 * and returned as {@code Mono.just} or {@code Mono.error} (see {@link ScalarMono}).
 */
public final class RequestAuthorizer {

	private final RoleResolver roles;

	private final boolean requireOrganizationClaim;

	private final Clock clock;

	public RequestAuthorizer(RoleResolver roles, boolean requireOrganizationClaim, Clock clock) {
		this.roles = roles;
		this.requireOrganizationClaim = requireOrganizationClaim;
		this.clock = clock;
	}

	/**
	 * @param trace where the roles came from is recorded here, for the decision log
	 */
	public Mono<Identity> authorize(VerifiedToken token, RouteMatch match, MethodRule rule, ResolutionTrace trace) {
		if (!Identifiers.isValid(token.subject())) {
			return Mono.error(new AccessDeniedException(FailureCode.TOKEN_INVALID, "The token's subject is not a valid user id."));
		}
		String tenant = match.tenant();
		if (tenant != null && !Identifiers.isValid(tenant)) {
			return Mono.error(new AccessDeniedException(FailureCode.PATH_INVALID, "The organization id in the path is not valid."));
		}
		Mono<PlatformUser> user;
		Mono<Membership> ownMembership;
		if (tenant != null && tenant.equals(token.organizationId()) && rule.usesMemberRoles()) {
			// On the token's own organization, a user read from Redis or PostgreSQL has the member roles read at the
			// same time (with it, when neither is held in-process), not after it: a cold request waits for one chain
			// of lookups instead of two. The decision still takes its steps in order (a banned user is refused as
			// banned, whatever the membership). Never for another tenant: there the platform roles decide first
			// whether its membership is read at all, so a token cannot make the gateway look up memberships in
			// organizations it merely names.
			RoleResolver.UserAndMembershipLookups lookups = this.roles.userAndMembership(
					new MembershipKey(token.subject(), tenant), claimedMembership(token, true), token.issuedAt(), trace);
			user = lookups.user();
			ownMembership = lookups.membership();
		}
		else {
			user = this.roles.user(token.subject(), trace);
			ownMembership = null;
		}
		return ScalarMono.flatMap(user, (found) -> {
			if (found.isLockedOut(this.clock.instant())) {
				return Mono.error(new AccessDeniedException(FailureCode.USER_BANNED));
			}
			return ScalarMono.flatMap(platformRoles(token, found),
					(platformRoles) -> decide(token, match.route(), tenant, rule, platformRoles, trace, ownMembership));
		});
	}

	/** The token's role claim while no change was recorded after it was issued, else the users table. */
	private Mono<Set<String>> platformRoles(VerifiedToken token, PlatformUser user) {
		if (token.platformRole() == null) {
			return Mono.just(user.roles());
		}
		return ScalarMono.map(this.roles.userChangedSince(token.subject(), token.issuedAt()),
				(changed) -> changed ? user.roles() : Roles.parse(token.platformRole()));
	}

	private Mono<Identity> decide(VerifiedToken token, RoutePolicy route, @Nullable String tenant, MethodRule rule,
			Set<String> platformRoles, ResolutionTrace trace, @Nullable Mono<Membership> ownMembership) {
		if (tenant == null) {
			if (rule.access() == MethodRule.Access.AUTHENTICATED || intersects(rule.platformRoles(), platformRoles)) {
				return Mono.just(new Identity(token.subject(), null, Set.of(), platformRoles));
			}
			return Mono.error(new AccessDeniedException(FailureCode.ROLE_INSUFFICIENT));
		}
		boolean crossTenant = intersects(route.crossTenantRoles(), platformRoles);
		String claimedTenant = token.organizationId();
		boolean sameTenant = tenant.equals(claimedTenant);
		if (!sameTenant && !crossTenant && (claimedTenant != null || this.requireOrganizationClaim)) {
			return Mono.error(new AccessDeniedException(FailureCode.TENANT_MISMATCH));
		}
		if (crossTenant || intersects(rule.platformRoles(), platformRoles)) {
			return Mono.just(new Identity(token.subject(), tenant, Set.of(), platformRoles));
		}
		if (!rule.usesMemberRoles()) {
			return Mono.error(new AccessDeniedException(FailureCode.ROLE_INSUFFICIENT));
		}
		Mono<Membership> lookup = (ownMembership != null) ? ownMembership
				: membership(token, tenant, sameTenant, trace);
		return ScalarMono.flatMap(lookup, (membership) -> {
			if (!membership.isMember()) {
				return Mono.error(new AccessDeniedException(FailureCode.NOT_A_MEMBER));
			}
			if (!grants(rule, route.hierarchy(), membership.roles())) {
				return Mono.error(new AccessDeniedException(FailureCode.ROLE_INSUFFICIENT));
			}
			return Mono.just(new Identity(token.subject(), tenant, membership.roles(), platformRoles));
		});
	}

	private Mono<Membership> membership(VerifiedToken token, String tenant, boolean sameTenant,
			ResolutionTrace trace) {
		return this.roles.membership(new MembershipKey(token.subject(), tenant), claimedMembership(token, sameTenant),
				token.issuedAt(), trace);
	}

	/** The member roles the token claims, for its own organization only; {@code null} when it claims none. */
	private static @Nullable Membership claimedMembership(VerifiedToken token, boolean sameTenant) {
		Membership claimed = (sameTenant && token.orgRole() != null) ? Membership.of(token.orgRole()) : null;
		return (claimed != null && claimed.isMember()) ? claimed : null;
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

}
