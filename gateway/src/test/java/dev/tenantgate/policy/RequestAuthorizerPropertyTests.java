package dev.tenantgate.policy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.path.PathTemplate;
import dev.tenantgate.policy.MethodRule.Access;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.token.VerifiedToken;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;

/**
 * The tenant and rule decision of {@link RequestAuthorizer} against a reference model of the rules as the README
 * states them, for random tokens, path tenants, stored users and memberships, rules and routes. The resolver is a
 * mock that behaves as its contract says: a role claim counts unless a change was recorded after the token was
 * issued, else the stored answer does.
 */
class RequestAuthorizerPropertyTests {

	static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	static final Instant ISSUED_AT = NOW.minus(Duration.ofMinutes(1));

	static final String USER = "u1";

	static final List<String> HIERARCHY = RoleHierarchy.DEFAULT;

	static final Set<String> CROSS_TENANT_ROLES = Set.of("admin", "superadmin");

	static final List<String> ORGS = List.of("acme", "globex");

	/** Member role strings as Better Auth stores them, including several roles and roles outside the hierarchy. */
	static final List<String> MEMBER_ROLES = List.of("owner", "admin", "staff", "viewer", "guest", "staff,viewer",
			"viewer, guest", "owner,staff", " , ");

	static final List<String> PLATFORM_ROLES = List.of("user", "admin", "superadmin", "support", "admin,support",
			"user,superadmin");

	// The bound on claimless lookups has tests of its own; here it never refuses.
	static final OrganizationLookupBudget UNBOUNDED = new OrganizationLookupBudget(Integer.MAX_VALUE,
			Duration.ofMinutes(1), 10, Ticker.systemTicker());

	// One mock for all tries (creating a mock per try costs more than the decision itself), re-stubbed each time.
	private final RoleResolver roles = mock(RoleResolver.class);

	@Property(tries = 2500)
	void decisionMatchesTheRulesOfTheReadme(@ForAll boolean tenantRoute, @ForAll boolean crossTenant,
			@ForAll("rules") RuleSpec rule, @ForAll("organizations") String pathTenant,
			@ForAll("organizationClaims") String organizationClaim, @ForAll("orgRoleClaims") String orgRoleClaim,
			@ForAll("platformRoleClaims") String platformRoleClaim, @ForAll("users") PlatformUser storedUser,
			@ForAll("storedMemberRoles") String storedMemberRoles, @ForAll boolean platformClaimStale,
			@ForAll boolean memberClaimStale, @ForAll boolean requireOrganizationClaim) {
		Case scenario = Case.of(tenantRoute, crossTenant, rule, pathTenant, organizationClaim, orgRoleClaim,
				platformRoleClaim, storedUser, storedMemberRoles, platformClaimStale, memberClaimStale,
				requireOrganizationClaim);
		reset(this.roles);
		given(this.roles.user(eq(USER), any())).willReturn(Mono.just(scenario.storedUser()));
		ResolverStubs.userAndMembershipAsApart(this.roles);
		given(this.roles.userChangedSince(eq(USER), any())).willReturn(Mono.just(scenario.platformClaimStale()));
		given(this.roles.membership(any(), any(), any(), any())).willAnswer((invocation) -> {
			MembershipKey key = invocation.getArgument(0);
			Membership claimed = invocation.getArgument(1);
			assertThat(key).isEqualTo(new MembershipKey(USER, scenario.pathTenant()));
			// issue-26: a token makes the gateway read memberships in an organization it does not claim only when
			// the route lets its platform role cross tenants, or when the claim is not required.
			if (!scenario.pathTenant().equals(scenario.organizationClaim())) {
				assertThat(scenario.organizationClaim() == null && !scenario.requireOrganizationClaim()
						|| ReferenceModel.mayCross(scenario))
					.as("membership looked up in an organization the token does not claim: %s", scenario)
					.isTrue();
			}
			return Mono.just((claimed != null && !scenario.memberClaimStale()) ? claimed
					: Membership.of(scenario.storedMemberRoles()));
		});
		RequestAuthorizer authorizer = new RequestAuthorizer(this.roles, scenario.requireOrganizationClaim(),
				"organizationId", UNBOUNDED, Clock.fixed(NOW, ZoneOffset.UTC));

		Outcome actual = outcome(() -> authorizer.authorize(scenario.token(), scenario.match(), scenario.rule(), new ResolutionTrace()));
		Outcome expected = ReferenceModel.decide(scenario);

		Statistics.label("outcome").collect(expected.denial() != null ? expected.denial() : "allowed");
		Statistics.label("outcome").coverage((coverage) -> {
			coverage.check("allowed").percentage((percent) -> percent > 15);
			for (FailureCode code : List.of(FailureCode.PATH_INVALID, FailureCode.ORGANIZATION_CLAIM_MISSING,
					FailureCode.USER_BANNED, FailureCode.TENANT_MISMATCH, FailureCode.NOT_A_MEMBER,
					FailureCode.ROLE_INSUFFICIENT)) {
				coverage.check(code).count((count) -> count > 0);
			}
		});
		assertThat(actual).as("%s", scenario).isEqualTo(expected);
	}

	static Outcome outcome(Supplier<Mono<Identity>> decision) {
		try {
			return new Outcome(decision.get().block(Duration.ofSeconds(1)), null);
		}
		catch (AccessDeniedException ex) {
			return new Outcome(null, ex.failureCode());
		}
	}

	/** Mostly real organization ids; now and then one that could alias a Redis key. */
	@Provide
	Arbitrary<String> organizations() {
		return Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.of(ORGS)), Tuple.of(1, Arbitraries.of("ac:me", "*")));
	}

	@Provide
	Arbitrary<String> organizationClaims() {
		return Arbitraries.of(ORGS).injectNull(0.2);
	}

	@Provide
	Arbitrary<String> orgRoleClaims() {
		return Arbitraries.of(MEMBER_ROLES).injectNull(0.3);
	}

	@Provide
	Arbitrary<String> platformRoleClaims() {
		return Arbitraries.of(PLATFORM_ROLES).injectNull(0.5);
	}

	@Provide
	Arbitrary<String> storedMemberRoles() {
		return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(MEMBER_ROLES)), Tuple.of(1, Arbitraries.just("")));
	}

	@Provide
	Arbitrary<PlatformUser> users() {
		Arbitrary<Boolean> exists = Arbitraries.frequency(Tuple.of(12, true), Tuple.of(1, false));
		Arbitrary<Boolean> banned = Arbitraries.frequency(Tuple.of(8, false), Tuple.of(1, true));
		Arbitrary<Instant> banExpires = Arbitraries.of(NOW.minusSeconds(1), NOW.plusSeconds(1)).injectNull(0.4);
		return Combinators.combine(exists, Arbitraries.of(PLATFORM_ROLES), banned, banExpires)
			.as((present, roles, isBanned, expires) -> present
					? new PlatformUser(true, ReferenceModel.split(roles), isBanned, expires) : PlatformUser.UNKNOWN);
	}

	@Provide
	Arbitrary<RuleSpec> rules() {
		Arbitrary<Set<String>> memberRoles = Arbitraries.of(HIERARCHY).set().ofMinSize(1).ofMaxSize(3);
		Arbitrary<Set<String>> platformRoles = Arbitraries.of("admin", "superadmin", "support")
			.set()
			.ofMinSize(1)
			.ofMaxSize(2);
		Arbitrary<Set<String>> maybePlatformRoles = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(Set.<String>of())),
				Tuple.of(1, platformRoles));
		return Arbitraries.oneOf(Arbitraries.just(new RuleSpec(RuleKind.AUTHENTICATED, Set.of(), null, Set.of())),
				Arbitraries.of(HIERARCHY).flatMap((minimum) -> maybePlatformRoles
					.map((platform) -> new RuleSpec(RuleKind.MIN_ROLE, Set.of(), minimum, platform))),
				memberRoles.flatMap((roles) -> maybePlatformRoles
					.map((platform) -> new RuleSpec(RuleKind.ROLES, roles, null, platform))),
				platformRoles.map((platform) -> new RuleSpec(RuleKind.PLATFORM_ONLY, Set.of(), null, platform)));
	}

	enum RuleKind {

		AUTHENTICATED, MIN_ROLE, ROLES, PLATFORM_ONLY

	}

	/** A rule as written in routes.yml. */
	record RuleSpec(RuleKind kind, Set<String> roles, @Nullable String minimum, Set<String> platformRoles) {
	}

	/** One request: the route, its rule, the token, and what the stores hold. */
	record Case(boolean tenantRoute, boolean crossTenant, RuleSpec ruleSpec, String pathTenant,
			@Nullable String organizationClaim, @Nullable String orgRoleClaim, @Nullable String platformRoleClaim,
			PlatformUser storedUser, String storedMemberRoles, boolean platformClaimStale, boolean memberClaimStale,
			boolean requireOrganizationClaim) {

		/** Routes.yml allows member-role rules and cross-tenant only on routes with a tenant variable. */
		static Case of(boolean tenantRoute, boolean crossTenant, RuleSpec rule, String pathTenant,
				@Nullable String organizationClaim, @Nullable String orgRoleClaim, @Nullable String platformRoleClaim,
				PlatformUser storedUser, String storedMemberRoles, boolean platformClaimStale, boolean memberClaimStale,
				boolean requireOrganizationClaim) {
			RuleSpec effective = rule;
			if (!tenantRoute && (rule.kind() == RuleKind.MIN_ROLE || rule.kind() == RuleKind.ROLES)) {
				effective = new RuleSpec(RuleKind.PLATFORM_ONLY, Set.of(), null,
						rule.platformRoles().isEmpty() ? Set.of("admin") : rule.platformRoles());
			}
			return new Case(tenantRoute, tenantRoute && crossTenant, effective, pathTenant, organizationClaim,
					orgRoleClaim, platformRoleClaim, storedUser, storedMemberRoles, platformClaimStale, memberClaimStale,
					requireOrganizationClaim);
		}

		VerifiedToken token() {
			return new VerifiedToken(USER, this.organizationClaim, this.orgRoleClaim, this.platformRoleClaim, ISSUED_AT,
					NOW.plus(Duration.ofMinutes(14)));
		}

		RouteMatch match() {
			if (!this.tenantRoute) {
				RoutePolicy route = new RoutePolicy("admin", URI.create("http://admin"),
						PathTemplate.compile("/api/admin/**"), null, Set.of(), new RoleHierarchy(HIERARCHY), Map.of(), false, 1);
				return new RouteMatch(route, Map.of());
			}
			RoutePolicy route = new RoutePolicy("orders", URI.create("http://orders"),
					PathTemplate.compile("/api/orgs/{orgId}/orders/**"), "orgId",
					this.crossTenant ? CROSS_TENANT_ROLES : Set.of(), new RoleHierarchy(HIERARCHY), Map.of(), false, 1);
			return new RouteMatch(route, Map.of("orgId", this.pathTenant));
		}

		/** The rule as RoutesFileLoader builds it ("authenticated" means "any member" on a tenant route). */
		MethodRule rule() {
			return switch (this.ruleSpec.kind()) {
				case AUTHENTICATED -> new MethodRule(this.tenantRoute ? Access.MEMBER : Access.AUTHENTICATED, Set.of(),
						null, Set.of());
				case MIN_ROLE -> new MethodRule(Access.ROLES, Set.of(), this.ruleSpec.minimum(),
						this.ruleSpec.platformRoles());
				case ROLES -> new MethodRule(Access.ROLES, this.ruleSpec.roles(), null, this.ruleSpec.platformRoles());
				case PLATFORM_ONLY -> new MethodRule(Access.ROLES, Set.of(), null, this.ruleSpec.platformRoles());
			};
		}

	}

	/** Either an identity or a denial. */
	record Outcome(@Nullable Identity identity, @Nullable FailureCode denial) {
	}

	/**
	 * The README's "How a request is decided", steps 3 to 6, written out plainly.
	 */
	static final class ReferenceModel {

		static Outcome decide(Case c) {
			// 1. A path whose organization id is not a valid id is refused before anything is looked up.
			if (c.tenantRoute() && !c.pathTenant().matches("[A-Za-z0-9_-]{1,128}")) {
				return denied(FailureCode.PATH_INVALID);
			}
			// 4. A tenant route needs the organization claim when it is required; only a cross-tenant route can be
			// entered without it (by a cross-tenant role), so elsewhere the refusal comes before any lookup.
			boolean claimMissing = c.tenantRoute() && c.organizationClaim() == null && c.requireOrganizationClaim();
			if (claimMissing && !c.crossTenant()) {
				return denied(FailureCode.ORGANIZATION_CLAIM_MISSING);
			}
			PlatformUser user = c.storedUser();
			// 3. A user that no longer exists, or is banned with no expiry or a future one, is refused everywhere.
			if (!user.exists() || (user.banned() && (user.banExpires() == null || NOW.isBefore(user.banExpires())))) {
				return denied(FailureCode.USER_BANNED);
			}
			// 5. Platform role: the token's role claim (while no change was recorded since it was issued), else users.role.
			Set<String> platform = (c.platformRoleClaim() != null && !c.platformClaimStale()) ? split(c.platformRoleClaim())
					: user.roles();
			RuleSpec rule = c.ruleSpec();
			boolean platformGrants = !Collections.disjoint(rule.platformRoles(), platform);
			if (!c.tenantRoute()) {
				// No tenant: only platform roles or 'authenticated' apply.
				if (rule.kind() == RuleKind.AUTHENTICATED || platformGrants) {
					return allowed(null, Set.of(), platform);
				}
				return denied(FailureCode.ROLE_INSUFFICIENT);
			}
			Set<String> stored = split(c.storedMemberRoles());
			// 4. The path's tenant must be the token's organization, unless the route is cross-tenant and the user
			// has a cross-tenant platform role: that lifts the tenant check, and only it.
			boolean mayCross = mayCross(c);
			boolean sameTenant = c.pathTenant().equals(c.organizationClaim());
			if (!sameTenant && !mayCross) {
				if (c.organizationClaim() != null) {
					return denied(FailureCode.TENANT_MISMATCH);
				}
				if (c.requireOrganizationClaim()) {
					return denied(FailureCode.ORGANIZATION_CLAIM_MISSING);
				}
				// Without the claim (not required), only where the user is a member: before any platform role counts.
				if (stored.isEmpty()) {
					return denied(FailureCode.NOT_A_MEMBER);
				}
			}
			// 6. A platform role named by the method's rule grants access, on a cross-tenant route as anywhere.
			if (platformGrants) {
				return allowed(c.pathTenant(), Set.of(), platform);
			}
			if (rule.kind() == RuleKind.PLATFORM_ONLY) {
				return denied(FailureCode.ROLE_INSUFFICIENT);
			}
			// 5. Member roles: the orgRole claim when it is for this tenant (and still trusted), else the stores.
			Set<String> claimed = (sameTenant && c.orgRoleClaim() != null) ? split(c.orgRoleClaim()) : Set.of();
			Set<String> member = (!claimed.isEmpty() && !c.memberClaimStale()) ? claimed : stored;
			if (member.isEmpty()) {
				return denied(FailureCode.NOT_A_MEMBER);
			}
			boolean grants = switch (rule.kind()) {
				case AUTHENTICATED -> true;
				case MIN_ROLE -> member.stream()
					.anyMatch((role) -> HIERARCHY.contains(role)
							&& HIERARCHY.indexOf(role) <= HIERARCHY.indexOf(rule.minimum()));
				case ROLES -> !Collections.disjoint(rule.roles(), member);
				case PLATFORM_ONLY -> false;
			};
			return grants ? allowed(c.pathTenant(), member, platform) : denied(FailureCode.ROLE_INSUFFICIENT);
		}

		/** Whether the route is cross-tenant and the user's platform roles (claimed or stored) include a crossing one. */
		static boolean mayCross(Case c) {
			Set<String> platform = (c.platformRoleClaim() != null && !c.platformClaimStale()) ? split(c.platformRoleClaim())
					: c.storedUser().roles();
			return c.crossTenant() && !Collections.disjoint(CROSS_TENANT_ROLES, platform);
		}

		/** Better Auth's comma-separated roles: each one counts, blanks do not. */
		static Set<String> split(String roles) {
			Set<String> split = new LinkedHashSet<>();
			for (String role : roles.split(",")) {
				if (!role.isBlank()) {
					split.add(role.strip());
				}
			}
			return split;
		}

		static Outcome allowed(@Nullable String tenant, Set<String> member, Set<String> platform) {
			return new Outcome(new Identity(USER, tenant, member, platform), null);
		}

		static Outcome denied(FailureCode code) {
			return new Outcome(null, code);
		}

	}

}
