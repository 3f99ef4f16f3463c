package dev.tenantgate.policy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.path.PathTemplate;
import dev.tenantgate.policy.MethodRule.Access;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleUnavailableException;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.token.VerifiedToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

class RequestAuthorizerTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final String USER = "u1";

	private static final Instant ISSUED_AT = NOW.minus(Duration.ofMinutes(1));

	private static final MethodRule MIN_STAFF = new MethodRule(Access.ROLES, Set.of(), "staff", Set.of());

	private final RoleResolver roles = mock(RoleResolver.class);

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	private final RequestAuthorizer authorizer = authorizer(true, Integer.MAX_VALUE);

	@BeforeEach
	void activeUser() {
		givenUser(new PlatformUser(true, Set.of("user"), false, null));
		givenNoChangeRecordedSinceIssued();
		ResolverStubs.userAndMembershipAsApart(this.roles);
	}

	@Test
	void authorizeWhenOwnTenantNeedsMemberRolesThenUserAndMembershipAreAskedForTogether() {
		StepVerifier.create(this.authorizer.authorize(token("acme", "staff", null), tenantMatch("acme"), MIN_STAFF,
				new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("staff"), Set.of("user")))
			.verifyComplete();
		verify(this.roles).userAndMembership(eq(new MembershipKey(USER, "acme")), eq(Membership.of("staff")),
				eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenAnotherTenantThenOnlyTheUserIsAskedFor() {
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		assertDenied(this.authorizer.authorize(token("globex", "owner", null), tenantMatch("acme"), rule,
				new ResolutionTrace()), FailureCode.TENANT_MISMATCH);
		verify(this.roles).user(eq(USER), any());
		verify(this.roles, never()).userAndMembership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenUserBannedThenUserBanned() {
		givenUser(new PlatformUser(true, Set.of("user"), true, null));
		assertDenied(this.authorizer.authorize(token("acme", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.USER_BANNED);
	}

	@Test
	void authorizeWhenBanNotYetExpiredThenUserBanned() {
		givenUser(new PlatformUser(true, Set.of("user"), true, NOW.plusSeconds(1)));
		assertDenied(this.authorizer.authorize(token("acme", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.USER_BANNED);
	}

	@Test
	void authorizeWhenBanExpiredThenAllowed() {
		givenUser(new PlatformUser(true, Set.of("user"), true, NOW.minusSeconds(1)));
		StepVerifier.create(this.authorizer.authorize(token("acme", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("owner"), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenUserNoLongerExistsThenUserBanned() {
		givenUser(PlatformUser.UNKNOWN);
		assertDenied(this.authorizer.authorize(token("acme", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.USER_BANNED);
	}

	@Test
	void authorizeWhenUserIsReadFromTheStoresThenOwnMembershipIsLookedUpAtTheSameTime() {
		Sinks.One<PlatformUser> user = givenUserBeingRead();
		AtomicBoolean membershipRead = new AtomicBoolean();
		given(this.roles.membership(eq(new MembershipKey(USER, "acme")), isNull(), any(), any()))
			.willReturn(Mono.defer(() -> {
				membershipRead.set(true);
				return Mono.just(Membership.of("staff"));
			}));

		Mono<Identity> result = this.authorizer.authorize(token("acme", null, null), tenantMatch("acme"), MIN_STAFF,
				new ResolutionTrace());

		assertThat(membershipRead).as("read while the user is still being read").isTrue();
		StepVerifier.create(result)
			.then(() -> user.tryEmitValue(new PlatformUser(true, Set.of("user"), false, null)).orThrow())
			.expectNext(new Identity(USER, "acme", Set.of("staff"), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenBannedUserIsReadAlongsideAFailingMembershipLookupThenUserBanned() {
		Sinks.One<PlatformUser> user = givenUserBeingRead();
		given(this.roles.membership(eq(new MembershipKey(USER, "acme")), isNull(), any(), any()))
			.willReturn(Mono.defer(() -> Mono.error(new RoleUnavailableException())));

		Mono<Identity> result = this.authorizer.authorize(token("acme", null, null), tenantMatch("acme"), MIN_STAFF,
				new ResolutionTrace());
		user.tryEmitValue(new PlatformUser(true, Set.of("user"), true, null)).orThrow();

		assertDenied(result, FailureCode.USER_BANNED);
	}

	@Test
	void authorizeWhenUserIsReadForAnotherTenantThenItsMembershipIsNotLookedUpAhead() {
		Sinks.One<PlatformUser> user = givenUserBeingRead();

		Mono<Identity> result = this.authorizer.authorize(token("other", null, null), tenantMatch("acme"), MIN_STAFF,
				new ResolutionTrace());
		verify(this.roles, never()).membership(any(), any(), any(), any());
		user.tryEmitValue(new PlatformUser(true, Set.of("user"), false, null)).orThrow();

		assertDenied(result, FailureCode.TENANT_MISMATCH);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenPathTenantIsNotTokenOrganizationThenTenantMismatch() {
		assertDenied(this.authorizer.authorize(token("other", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.TENANT_MISMATCH);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenCrossTenantRoleNamedByTheRuleThenAllowedWithoutOrgRoles() {
		RouteMatch match = new RouteMatch(route(Set.of("admin", "superadmin")), Map.of("orgId", "acme"));
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), "owner", Set.of("superadmin"));
		StepVerifier.create(this.authorizer.authorize(token("other", null, "superadmin"), match, rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of(), Set.of("superadmin")))
			.verifyComplete();
		verify(this.roles).userChangedSince(USER, ISSUED_AT);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenCrossTenantRoleNotNamedByTheRuleThenTheRuleStillDecides() { // issue-26
		// DELETE: { min-role: owner, platform-roles: [superadmin] } on a cross-tenant route: a platform admin may
		// cross into acme, but the method's rule names superadmin only, so admin's member roles in acme decide.
		RouteMatch match = new RouteMatch(route(Set.of("admin", "superadmin")), Map.of("orgId", "acme"));
		MethodRule delete = new MethodRule(Access.ROLES, Set.of(), "owner", Set.of("superadmin"));
		givenMembership("acme", Membership.NONE);
		assertDenied(this.authorizer.authorize(token("other", null, "admin"), match, delete, new ResolutionTrace()),
				FailureCode.NOT_A_MEMBER);
		givenMembership("acme", Membership.of("staff"));
		assertDenied(this.authorizer.authorize(token("other", null, "admin"), match, delete, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
		givenMembership("acme", Membership.of("owner"));
		StepVerifier.create(this.authorizer.authorize(token("other", null, "admin"), match, delete, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("owner"), Set.of("admin")))
			.verifyComplete();
		MethodRule superadminOnly = new MethodRule(Access.ROLES, Set.of(), null, Set.of("superadmin"));
		assertDenied(this.authorizer.authorize(token("other", null, "admin"), match, superadminOnly,
				new ResolutionTrace()), FailureCode.ROLE_INSUFFICIENT);
	}

	@Test
	void authorizeWhenCrossTenantRoleWithoutOrganizationClaimThenTheRuleDecides() { // issue-26
		RouteMatch match = new RouteMatch(route(Set.of("admin", "superadmin")), Map.of("orgId", "acme"));
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), "owner", Set.of("superadmin"));
		StepVerifier.create(this.authorizer.authorize(token(null, null, "superadmin"), match, rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of(), Set.of("superadmin")))
			.verifyComplete();
		assertDenied(this.authorizer.authorize(token(null, null, "support"), match, rule, new ResolutionTrace()),
				FailureCode.ORGANIZATION_CLAIM_MISSING);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenUserChangedSincePlatformRoleClaimThenNoCrossTenantAccess() {
		RouteMatch match = new RouteMatch(route(Set.of("admin", "superadmin")), Map.of("orgId", "acme"));
		givenUserChangedSinceIssued(true);
		assertDenied(this.authorizer.authorize(token("other", null, "superadmin"), match, MIN_STAFF, new ResolutionTrace()),
				FailureCode.TENANT_MISMATCH);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenCrossTenantRoleOnOrdinaryRouteThenTenantMismatch() {
		assertDenied(this.authorizer.authorize(token("other", null, "superadmin"), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.TENANT_MISMATCH);
	}

	@Test
	void authorizeWhenStoredPlatformRoleListedInRuleThenAllowedWithoutMembership() {
		givenUser(new PlatformUser(true, Set.of("support"), false, null));
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), "owner", Set.of("support"));
		StepVerifier.create(this.authorizer.authorize(token("acme", null, null), tenantMatch("acme"), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of(), Set.of("support")))
			.verifyComplete();
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenOrgRoleClaimForPathTenantThenClaimAndIssuedAtPassedToResolver() {
		StepVerifier.create(this.authorizer.authorize(token("acme", "admin", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("admin"), Set.of("user")))
			.verifyComplete();
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), eq(Membership.of("admin")), eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenResolverDistrustsOrgRoleClaimThenStoredRoleDecides() {
		givenMembership("acme", Membership.of("viewer"));
		assertDenied(this.authorizer.authorize(token("acme", "admin", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), eq(Membership.of("admin")), eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenOrgRoleClaimWithoutOrganizationClaimThenStoredRoleDecides() {
		RequestAuthorizer lenient = authorizer(false, Integer.MAX_VALUE);
		givenMembership("acme", Membership.of("viewer"));
		assertDenied(lenient.authorize(token(null, "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), isNull(), eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenOrgRoleClaimIsForAnotherOrganizationThenNoClaimReachesResolver() {
		RequestAuthorizer lenient = authorizer(false, Integer.MAX_VALUE);
		assertDenied(lenient.authorize(token("other", "owner", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.TENANT_MISMATCH);
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	@Test
	void authorizeWhenOrgRoleClaimNamesNoRoleThenResolverAskedWithoutClaim() {
		givenMembership("acme", Membership.of("staff"));
		StepVerifier.create(this.authorizer.authorize(token("acme", " , ", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("staff"), Set.of("user")))
			.verifyComplete();
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), isNull(), eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenTokenHasNoIssuedAtThenResolverToldSo() {
		VerifiedToken token = new VerifiedToken(USER, "acme", "admin", null, null, NOW.plusSeconds(60));
		givenMembership("acme", Membership.of("viewer"));
		assertDenied(this.authorizer.authorize(token, tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()), FailureCode.ROLE_INSUFFICIENT);
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), eq(Membership.of("admin")), isNull(), any());
	}

	@Test
	void authorizeWhenCommaSeparatedOrgRoleClaimThenAnyRoleCounts() {
		StepVerifier.create(this.authorizer.authorize(token("acme", "staff,viewer", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("staff", "viewer"), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenNoOrgRoleClaimThenResolverAsked() {
		givenMembership("acme", Membership.of("staff"));
		StepVerifier.create(this.authorizer.authorize(token("acme", null, null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("staff"), Set.of("user")))
			.verifyComplete();
		verify(this.roles).membership(eq(new MembershipKey(USER, "acme")), isNull(), eq(ISSUED_AT), any());
	}

	@Test
	void authorizeWhenNotAMemberThenNotAMember() {
		givenMembership("acme", Membership.NONE);
		assertDenied(this.authorizer.authorize(token("acme", null, null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.NOT_A_MEMBER);
	}

	@Test
	void authorizeWhenMinimumRoleNotReachedThenRoleInsufficient() {
		assertDenied(this.authorizer.authorize(token("acme", "viewer", null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
	}

	@Test
	void authorizeWhenRoleNotInListedRolesThenRoleInsufficient() {
		MethodRule rule = new MethodRule(Access.ROLES, Set.of("owner", "admin"), null, Set.of());
		assertDenied(this.authorizer.authorize(token("acme", "staff", null), tenantMatch("acme"), rule, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
	}

	@Test
	void authorizeWhenAnyMemberRuleThenAnyRoleAllowed() {
		MethodRule rule = new MethodRule(Access.MEMBER, Set.of(), null, Set.of());
		StepVerifier.create(this.authorizer.authorize(token("acme", "guest", null), tenantMatch("acme"), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("guest"), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenSubjectNotAnIdentifierThenTokenInvalid() {
		VerifiedToken token = new VerifiedToken("u1:admin", "acme", "owner", null, null, NOW.plusSeconds(60));
		assertDenied(this.authorizer.authorize(token, tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()), FailureCode.TOKEN_INVALID);
		verifyNoInteractions(this.roles);
	}

	@Test
	void authorizeWhenPathTenantNotAnIdentifierThenPathInvalid() {
		assertDenied(this.authorizer.authorize(token("acme", "owner", null), tenantMatch("ac:me"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.PATH_INVALID);
		verifyNoInteractions(this.roles);
	}

	@Test
	void authorizeWhenOrganizationClaimMissingAndRequiredThenRefusedBeforeAnyLookup() { // issue-26
		StepVerifier.create(this.authorizer.authorize(token(null, "owner", "superadmin"), tenantMatch("acme"),
				new MethodRule(Access.ROLES, Set.of(), "staff", Set.of("superadmin")), new ResolutionTrace()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
					(denied) -> {
						assertThat(denied.failureCode()).isEqualTo(FailureCode.ORGANIZATION_CLAIM_MISSING);
						assertThat(denied.detail()).isEqualTo(
								"The bearer token has no organizationId claim, which this route requires.");
					}))
			.verify();
		verifyNoInteractions(this.roles);
	}

	@Test
	void authorizeWhenOrganizationClaimMissingOnRouteWithoutTenantThenAllowed() {
		MethodRule rule = new MethodRule(Access.AUTHENTICATED, Set.of(), null, Set.of());
		StepVerifier.create(this.authorizer.authorize(token(null, null, null), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenOrganizationClaimMissingAndNotRequiredThenPlatformRoleCountsOnlyWhereAMember() { // issue-26
		RequestAuthorizer lenient = authorizer(false, Integer.MAX_VALUE);
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), "owner", Set.of("support"));
		givenUser(new PlatformUser(true, Set.of("support"), false, null));
		givenMembership("acme", Membership.NONE);
		assertDenied(lenient.authorize(token(null, null, null), tenantMatch("acme"), rule, new ResolutionTrace()),
				FailureCode.NOT_A_MEMBER);
		givenMembership("acme", Membership.of("viewer"));
		StepVerifier.create(lenient.authorize(token(null, null, null), tenantMatch("acme"), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of(), Set.of("support")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenClaimlessTokenNamesTooManyOrganizationsThenRefusedWithoutLookup() { // issue-26
		RequestAuthorizer lenient = authorizer(false, 2);
		given(this.roles.membership(any(), isNull(), any(), any())).willReturn(Mono.just(Membership.NONE));
		for (String organization : new String[] { "org1", "org2", "org1" }) {
			assertDenied(lenient.authorize(token(null, null, null), tenantMatch(organization), MIN_STAFF,
					new ResolutionTrace()), FailureCode.NOT_A_MEMBER);
		}
		assertDenied(lenient.authorize(token(null, null, null), tenantMatch("org3"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.TOO_MANY_ORGANIZATIONS);
		verify(this.roles, never()).membership(eq(new MembershipKey(USER, "org3")), any(), any(), any());
		// A token that carries the claim is not counted: its own organization is looked up as usual.
		StepVerifier.create(lenient.authorize(token("org4", "staff", null), tenantMatch("org4"), MIN_STAFF,
				new ResolutionTrace()))
			.expectNext(new Identity(USER, "org4", Set.of("staff"), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenOrganizationClaimMissingAndNotRequiredThenMembershipDecides() {
		RequestAuthorizer lenient = authorizer(false, Integer.MAX_VALUE);
		givenMembership("acme", Membership.of("admin"));
		StepVerifier.create(lenient.authorize(token(null, null, null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()))
			.expectNext(new Identity(USER, "acme", Set.of("admin"), Set.of("user")))
			.verifyComplete();
		givenMembership("acme", Membership.NONE);
		assertDenied(lenient.authorize(token(null, null, null), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()), FailureCode.NOT_A_MEMBER);
	}

	@Test
	void authorizeWhenAuthenticatedOnNonTenantRouteThenAllowedWithoutTenant() {
		MethodRule rule = new MethodRule(Access.AUTHENTICATED, Set.of(), null, Set.of());
		StepVerifier.create(this.authorizer.authorize(token("acme", "owner", null), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenPlatformRoleMissingOnNonTenantRouteThenRoleInsufficient() {
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		assertDenied(this.authorizer.authorize(token("acme", "owner", null), nonTenantMatch(), rule, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
	}

	@Test
	void authorizeWhenNoChangeSincePlatformRoleClaimThenClaimDecides() {
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		StepVerifier.create(this.authorizer.authorize(token("acme", null, "admin"), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("admin")))
			.verifyComplete();
		verify(this.roles).userChangedSince(USER, ISSUED_AT);
	}

	@Test
	void authorizeWhenUserChangedSincePlatformRoleClaimThenStoredRoleDecides() {
		givenUserChangedSinceIssued(true);
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		assertDenied(this.authorizer.authorize(token("acme", null, "admin"), nonTenantMatch(), rule, new ResolutionTrace()),
				FailureCode.ROLE_INSUFFICIENT);
		verify(this.roles).userChangedSince(USER, ISSUED_AT);
	}

	@Test
	void authorizeWhenUserChangedSincePlatformRoleClaimThenStoredRoleReachesIdentity() {
		givenUserChangedSinceIssued(true);
		MethodRule rule = new MethodRule(Access.AUTHENTICATED, Set.of(), null, Set.of());
		StepVerifier.create(this.authorizer.authorize(token("acme", null, "admin"), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("user")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenUserChangedSincePlatformRoleClaimThenStoredAdminRoleGrants() {
		givenUser(new PlatformUser(true, Set.of("admin"), false, null));
		givenUserChangedSinceIssued(true);
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		StepVerifier.create(this.authorizer.authorize(token("acme", null, "user"), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("admin")))
			.verifyComplete();
	}

	@Test
	void authorizeWhenNoPlatformRoleClaimThenChangeTimeNotAsked() {
		givenUser(new PlatformUser(true, Set.of("admin"), false, null));
		MethodRule rule = new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin"));
		StepVerifier.create(this.authorizer.authorize(token("acme", null, null), nonTenantMatch(), rule, new ResolutionTrace()))
			.expectNext(new Identity(USER, null, Set.of(), Set.of("admin")))
			.verifyComplete();
		verify(this.roles, never()).userChangedSince(anyString(), any());
	}

	@Test
	void authorizeWhenUserBannedThenNeitherChangeTimeNorMembershipAsked() {
		givenUser(new PlatformUser(true, Set.of("user"), true, null));
		assertDenied(this.authorizer.authorize(token("acme", "owner", "admin"), tenantMatch("acme"), MIN_STAFF, new ResolutionTrace()),
				FailureCode.USER_BANNED);
		verify(this.roles, never()).userChangedSince(anyString(), any());
		verify(this.roles, never()).membership(any(), any(), any(), any());
	}

	private RequestAuthorizer authorizer(boolean requireOrganizationClaim, int claimlessOrganizations) {
		return new RequestAuthorizer(this.roles, requireOrganizationClaim, "organizationId",
				new OrganizationLookupBudget(claimlessOrganizations, Duration.ofMinutes(1), 100, Ticker.systemTicker()),
				this.clock);
	}

	private void givenUser(PlatformUser user) {
		given(this.roles.user(eq(USER), any())).willReturn(Mono.just(user));
	}

	/** The user is not in memory: the answer comes when the test emits it. */
	private Sinks.One<PlatformUser> givenUserBeingRead() {
		Sinks.One<PlatformUser> user = Sinks.one();
		given(this.roles.user(eq(USER), any())).willReturn(user.asMono());
		return user;
	}

	/**
	 * The resolver while no change has been recorded since the token was issued: a claim passed to it is the answer,
	 * and the platform role claim stands. Without a claim there is nothing to answer from, so a test that needs the
	 * stored membership stubs it with {@link #givenMembership(String, Membership)}.
	 */
	private void givenNoChangeRecordedSinceIssued() {
		given(this.roles.membership(any(), any(), any(), any())).willAnswer((invocation) -> {
			Membership claimed = invocation.getArgument(1);
			return (claimed != null) ? Mono.just(claimed)
					: Mono.error(new AssertionError("no stored membership stubbed for " + invocation.getArgument(0)));
		});
		givenUserChangedSinceIssued(false);
	}

	private void givenUserChangedSinceIssued(boolean changed) {
		given(this.roles.userChangedSince(eq(USER), any())).willReturn(Mono.just(changed));
	}

	/** The stored membership: the resolver answers with it whatever the token claims (the claim is stale). */
	private void givenMembership(String tenant, Membership membership) {
		given(this.roles.membership(eq(new MembershipKey(USER, tenant)), any(), any(), any()))
			.willReturn(Mono.just(membership));
	}

	private static VerifiedToken token(String organizationId, String orgRole, String platformRole) {
		return new VerifiedToken(USER, organizationId, orgRole, platformRole, ISSUED_AT,
				NOW.plus(Duration.ofMinutes(14)));
	}

	private static RouteMatch tenantMatch(String tenant) {
		return new RouteMatch(route(Set.of()), Map.of("orgId", tenant));
	}

	private static RouteMatch nonTenantMatch() {
		RoutePolicy route = new RoutePolicy("profile", URI.create("http://profile"), PathTemplate.compile("/api/me"), null,
				Set.of(), new RoleHierarchy(RoleHierarchy.DEFAULT), Map.of(), false, 1);
		return new RouteMatch(route, Map.of());
	}

	private static RoutePolicy route(Set<String> crossTenantRoles) {
		return new RoutePolicy("orders", URI.create("http://orders"), PathTemplate.compile("/api/orgs/{orgId}/orders/**"),
				"orgId", crossTenantRoles, new RoleHierarchy(RoleHierarchy.DEFAULT), Map.of(), false, 1);
	}

	private static void assertDenied(Mono<Identity> result, FailureCode code) {
		StepVerifier.create(result)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
					(denied) -> assertThat(denied.failureCode()).isEqualTo(code)))
			.verify();
	}

}
