package dev.tenantgate.policy;

import java.time.Clock;
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
 * Decides whether a verified token may make a request on a route: plans the lookups the decision needs and leaves
 * the decision itself to {@link AccessDecision} (its Javadoc is the decision table). In short: the user must exist
 * and not be banned; on a tenant route the path's organization must be the token's {@code organizationId} unless
 * the route is {@code cross-tenant} and the user holds one of its cross-tenant platform roles (that lifts the tenant
 * check and nothing else); then the method's rule decides, a platform role it names first, else the member roles in
 * the path's organization.
 * <p>
 * A token without the organization claim is refused on tenant routes (401) unless
 * {@code require-organization-claim} is off; then its membership in the path's organization stands in for the
 * claim, and one subject may cause lookups in at most a bounded number of organizations per window
 * ({@link OrganizationLookupBudget}). Roles are looked up only when the decision needs them: the token's claims
 * first, while no change has been recorded since the token was issued, then the role tiers. When every answer comes
 * from memory the decision is made at once and returned as {@code Mono.just} or {@code Mono.error} (see
 * {@link ScalarMono}).
 */
public final class RequestAuthorizer {

	private final RoleResolver roles;

	private final boolean requireOrganizationClaim;

	private final String claimMissingDetail;

	private final OrganizationLookupBudget claimlessLookups;

	private final Clock clock;

	/**
	 * @param organizationClaim the name of the organization claim, for the refusal's description
	 * @param claimlessLookups the bound on the organizations one subject's claimless tokens may have looked up
	 */
	public RequestAuthorizer(RoleResolver roles, boolean requireOrganizationClaim, String organizationClaim,
			OrganizationLookupBudget claimlessLookups, Clock clock) {
		this.roles = roles;
		this.requireOrganizationClaim = requireOrganizationClaim;
		this.claimMissingDetail = "The bearer token has no " + organizationClaim + " claim, which this route requires.";
		this.claimlessLookups = claimlessLookups;
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
		FailureCode early = AccessDecision.beforeLookups(tenant, token.organizationId(), this.requireOrganizationClaim,
				match.route());
		if (early != null) {
			return Mono.error(denial(early));
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
				// Decided without the platform roles: whether their claim is still fresh is not even asked.
				return decide(token, match, rule, true, Set.of(), trace, null);
			}
			return ScalarMono.flatMap(platformRoles(token, found),
					(platformRoles) -> decide(token, match, rule, false, platformRoles, trace, ownMembership));
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

	private Mono<Identity> decide(VerifiedToken token, RouteMatch match, MethodRule rule, boolean lockedOut,
			Set<String> platformRoles, ResolutionTrace trace, @Nullable Mono<Membership> ownMembership) {
		String tenant = match.tenant();
		AccessDecision.Verdict verdict = AccessDecision.decide(tenant, token.organizationId(),
				this.requireOrganizationClaim, match.route(), rule, lockedOut, platformRoles, null);
		if (!verdict.needsMembership() || tenant == null) {
			return outcome(token, tenant, platformRoles, verdict);
		}
		boolean sameTenant = tenant.equals(token.organizationId());
		if (!sameTenant && token.organizationId() == null
				&& !this.claimlessLookups.tryAcquire(token.subject(), tenant)) {
			return Mono.error(denial(FailureCode.TOO_MANY_ORGANIZATIONS));
		}
		Mono<Membership> lookup = (ownMembership != null) ? ownMembership
				: membership(token, tenant, sameTenant, trace);
		return ScalarMono.flatMap(lookup, (membership) -> outcome(token, tenant, platformRoles,
				AccessDecision.decide(tenant, token.organizationId(), this.requireOrganizationClaim, match.route(),
						rule, false, platformRoles, membership)));
	}

	private Mono<Identity> outcome(VerifiedToken token, @Nullable String tenant, Set<String> platformRoles,
			AccessDecision.Verdict verdict) {
		if (verdict.allowed()) {
			return Mono.just(new Identity(token.subject(), tenant, verdict.memberRoles(), platformRoles));
		}
		FailureCode denial = verdict.denial();
		if (denial == null) {
			throw new IllegalStateException("The member roles were given, yet the decision still needs them");
		}
		return Mono.error(denial(denial));
	}

	private AccessDeniedException denial(FailureCode code) {
		if (code == FailureCode.ORGANIZATION_CLAIM_MISSING) {
			return new AccessDeniedException(code, this.claimMissingDetail);
		}
		return new AccessDeniedException(code);
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

}
