package dev.tenantgate.it;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline end to end: identity headers stripped, route policy, token, tenant isolation, member and platform
 * roles from the claims or the database, decision, proxy with trusted headers.
 */
class TenantAuthorizationIntegrationTests extends GatewayIntegrationTestSupport {

	static String orgA;

	static String orgB;

	static String owner;

	static String staff;

	static String viewer;

	static String multi;

	static String outsider;

	static String platformAdmin;

	static String superAdmin;

	static String banned;

	static String banOver;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
	}

	void seedOnce() {
		if (orgA != null) {
			return;
		}
		orgA = fixtures.organization();
		orgB = fixtures.organization();
		owner = fixtures.user("user");
		staff = fixtures.user("user");
		viewer = fixtures.user("user");
		multi = fixtures.user("user");
		outsider = fixtures.user("user");
		platformAdmin = fixtures.user("admin");
		superAdmin = fixtures.user("superadmin");
		banned = fixtures.user("user", true, null);
		banOver = fixtures.user("user", true, Instant.now().minus(Duration.ofHours(1)));
		fixtures.member(owner, orgA, "owner");
		fixtures.member(staff, orgA, "staff");
		fixtures.member(viewer, orgA, "viewer");
		fixtures.member(multi, orgA, "staff,viewer");
		fixtures.member(banned, orgA, "owner");
		fixtures.member(banOver, orgA, "viewer");
		fixtures.member(platformAdmin, orgB, "viewer");
		fixtures.member(superAdmin, orgB, "viewer");
	}

	@org.springframework.beans.factory.annotation.Autowired
	org.springframework.data.redis.core.ReactiveStringRedisTemplate redis;

	WebTestClient.ResponseSpec call(String method, String path, String token) {
		seedOnce();
		return this.client.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.headers((headers) -> {
				if (token != null) {
					headers.set(HttpHeaders.AUTHORIZATION, bearer(token));
				}
			})
			.exchange();
	}

	static void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
		response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo(code)
			.jsonPath("$.status")
			.isEqualTo(status);
		assertThat(downstreamRequests()).as("a denied request must never reach the downstream").isEmpty();
	}

	static LoggedRequest onlyDownstreamRequest() {
		List<LoggedRequest> requests = downstreamRequests();
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	@Test
	void memberWithClaimedRoleIsProxiedWithTrustedIdentityHeaders() {
		seedOnce();
		this.client.get()
			.uri("/api/orgs/" + orgA + "/orders/42?expand=lines")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.token(viewer, orgA, "viewer")))
			.header("X-User-Id", "attacker")
			.header("x-organization-id", orgB)
			.header("X-ORG-ROLE", "owner")
			.header("X-Platform-Role", "superadmin")
			.header("X-Tenantgate-Debug", "1")
			.header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("downstream");
		LoggedRequest request = onlyDownstreamRequest();
		assertThat(request.getUrl()).isEqualTo("/api/orgs/" + orgA + "/orders/42?expand=lines");
		assertThat(request.getHeaders().getHeader("X-User-Id").values()).containsExactly(viewer);
		assertThat(request.getHeaders().getHeader("X-Organization-Id").values()).containsExactly(orgA);
		assertThat(request.getHeaders().getHeader("X-Org-Role").values()).containsExactly("viewer");
		assertThat(request.getHeaders().getHeader("X-Platform-Role").values()).containsExactly("user");
		assertThat(request.getHeaders().getHeader("X-Tenantgate-Debug").isPresent()).isFalse();
		assertThat(request.getHeaders().getHeader("traceparent").firstValue())
			.isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	}

	@Test
	void publicRouteNeedsNoTokenAndStillStripsIdentityHeaders() {
		seedOnce();
		this.client.get().uri("/api/status").header("X-User-Id", "attacker").exchange().expectStatus().isOk();
		assertThat(onlyDownstreamRequest().getHeaders().getHeader("X-User-Id").isPresent()).isFalse();
	}

	@Test
	void requestWithoutTokenIsUnauthorizedWithBearerChallenge() {
		call("GET", "/api/orgs/" + orgA + "/orders", null).expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tenantgate\"");
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", null), 401, "token_missing");
	}

	@Test
	void tokenInQueryParameterOrCookieIsIgnored() {
		seedOnce();
		String token = tokens.token(viewer, orgA, "viewer");
		expectProblem(this.client.get().uri("/api/orgs/" + orgA + "/orders?access_token=" + token).exchange(), 401,
				"token_missing");
		expectProblem(this.client.get().uri("/api/orgs/" + orgA + "/orders").cookie("access_token", token).exchange(),
				401, "token_missing");
	}

	@Test
	void expiredTokenIsUnauthorized() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(viewer)
			.claim("organizationId", orgA)
			.claim("orgRole", "viewer")
			.issueTime(Date.from(Instant.now().minus(Duration.ofHours(1))))
			.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5)))));
		call("GET", "/api/orgs/" + orgA + "/orders", token).expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("error=\"invalid_token\""));
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", token), 401, "token_expired");
	}

	@Test
	void tokenForAnotherIssuerOrAudienceIsUnauthorized() {
		seedOnce();
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", tokens.ed25519((claims) -> claims.subject(viewer)
			.claim("organizationId", orgA)
			.issuer("http://evil.test"))), 401, "token_invalid");
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", tokens.ed25519((claims) -> claims.subject(viewer)
			.claim("organizationId", orgA)
			.audience("http://other.test"))), 401, "token_invalid");
	}

	@Test
	void rs256TokenIsAcceptedWhenAllowedAndEs256IsNot() {
		seedOnce();
		call("GET", "/api/orgs/" + orgA + "/orders", tokens.rs256((claims) -> claims.subject(viewer)
			.claim("organizationId", orgA)
			.claim("orgRole", "viewer"))).expectStatus().isOk();
		wireMock.resetRequests();
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", tokens.es256((claims) -> claims.subject(viewer)
			.claim("organizationId", orgA)
			.claim("orgRole", "viewer"))), 401, "token_invalid");
	}

	@Test
	void tokenForAnotherTenantIsForbidden() {
		expectProblem(call("GET", "/api/orgs/" + orgB + "/orders", tokens.token(owner, orgA, "owner")), 403,
				"tenant_mismatch");
	}

	@Test
	void viewerCannotCreateOrders() {
		expectProblem(call("POST", "/api/orgs/" + orgA + "/orders", tokens.token(viewer, orgA, "viewer")), 403,
				"role_insufficient");
	}

	@Test
	void staffCanCreateOrdersButNotDeleteThem() {
		call("POST", "/api/orgs/" + orgA + "/orders", tokens.token(staff, orgA, "staff")).expectStatus().isOk();
		wireMock.resetRequests();
		expectProblem(call("DELETE", "/api/orgs/" + orgA + "/orders/1", tokens.token(staff, orgA, "staff")), 403,
				"role_insufficient");
	}

	@Test
	void commaSeparatedRolesGrantEachRole() {
		call("POST", "/api/orgs/" + orgA + "/orders", tokens.token(multi, orgA, "staff,viewer")).expectStatus().isOk();
	}

	@Test
	void roleIsReadFromPostgresWhenTheTokenCarriesNone() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(multi).claim("organizationId", orgA));
		call("POST", "/api/orgs/" + orgA + "/orders", token).expectStatus().isOk();
		assertThat(onlyDownstreamRequest().getHeaders().getHeader("X-Org-Role").firstValue()).isEqualTo("staff,viewer");
	}

	@Test
	void lookupFillsTheSharedRedisEntryWithItsTtl() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(staff).claim("organizationId", orgA));
		call("POST", "/api/orgs/" + orgA + "/orders", token).expectStatus().isOk();
		String key = "perm:" + staff + ":" + orgA;
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.redis.opsForValue().get(key).block()).matches("staff@\\d{13}"));
		assertThat(this.redis.getExpire(key).block()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5));
	}

	@Test
	void tokenWithoutOrganizationClaimIsUnauthorizedOnTenantRoutes() { // issue-26
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(staff).claim("orgRole", "staff"));
		call("POST", "/api/orgs/" + orgA + "/orders", token).expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tenantgate\", error=\"invalid_token\", "
					+ "error_description=\"The bearer token has no organizationId claim, which this route requires.\"");
		expectProblem(call("POST", "/api/orgs/" + orgA + "/orders", token), 401, "organization_claim_missing");
		call("GET", "/api/me", token).expectStatus().isOk();
	}

	@Test
	void userWhoIsNotAMemberIsForbidden() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(outsider).claim("organizationId", orgA));
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", token), 403, "not_a_member");
	}

	@Test
	void bannedUserIsForbiddenOnEveryRoute() {
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", tokens.token(banned, orgA, "owner")), 403,
				"user_banned");
		expectProblem(call("GET", "/api/me", tokens.token(banned, orgA, "owner")), 403, "user_banned");
	}

	@Test
	void expiredBanNoLongerLocksTheUserOut() {
		call("GET", "/api/orgs/" + orgA + "/orders", tokens.token(banOver, orgA, "viewer")).expectStatus().isOk();
	}

	@Test
	void unknownUserIsForbidden() {
		expectProblem(call("GET", "/api/me", tokens.token("deleted" + orgA, orgA, "owner")), 403, "user_banned");
	}

	@Test
	void platformAdminMayCrossTenantsOnlyWhereTheRouteAllowsIt() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(platformAdmin)
			.claim("organizationId", orgB)
			.claim("orgRole", "viewer")
			.claim("role", "admin"));
		call("GET", "/api/orgs/" + orgA + "/billing/invoices", token).expectStatus().isOk();
		LoggedRequest request = onlyDownstreamRequest();
		assertThat(request.getHeaders().getHeader("X-Organization-Id").firstValue()).isEqualTo(orgA);
		assertThat(request.getHeaders().getHeader("X-Platform-Role").firstValue()).isEqualTo("admin");
		assertThat(request.getHeaders().getHeader("X-Org-Role").isPresent()).isFalse();
		wireMock.resetRequests();
		expectProblem(call("GET", "/api/orgs/" + orgA + "/orders", token), 403, "tenant_mismatch");
	}

	@Test
	void crossingTenantsLeavesTheMethodRuleInForce() { // issue-26
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(platformAdmin)
			.claim("organizationId", orgB)
			.claim("role", "admin"));
		// DELETE: { min-role: owner, platform-roles: [superadmin] }: admin may cross into orgA, not delete there.
		expectProblem(call("DELETE", "/api/orgs/" + orgA + "/billing/invoices/1", token), 403, "not_a_member");
		String superToken = tokens.ed25519((claims) -> claims.subject(superAdmin)
			.claim("organizationId", orgB)
			.claim("role", "superadmin"));
		call("DELETE", "/api/orgs/" + orgA + "/billing/invoices/1", superToken).expectStatus().isOk();
	}

	@Test
	void platformRoleFromTheDatabaseIsUsedWhenTheTokenHasNone() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(platformAdmin).claim("organizationId", orgB));
		call("GET", "/api/admin/users", token).expectStatus().isOk();
		assertThat(onlyDownstreamRequest().getHeaders().getHeader("X-Platform-Role").firstValue()).isEqualTo("admin");
		wireMock.resetRequests();
		expectProblem(call("GET", "/api/admin/users", tokens.token(owner, orgA, "owner")), 403, "role_insufficient");
	}

	@Test
	void platformRolesNamedByTheRuleGrantAccessInTheOwnTenant() {
		seedOnce();
		String token = tokens.ed25519((claims) -> claims.subject(superAdmin).claim("organizationId", orgB).claim("orgRole", "viewer"));
		call("GET", "/api/orgs/" + orgB + "/reports", token).expectStatus().isOk();
		wireMock.resetRequests();
		expectProblem(call("GET", "/api/orgs/" + orgA + "/reports", tokens.token(staff, orgA, "staff")), 403,
				"role_insufficient");
	}

	@Test
	void authenticatedRuleOnATenantRouteAdmitsAnyMember() {
		call("GET", "/api/orgs/" + orgA + "/profile", tokens.token(viewer, orgA, "viewer")).expectStatus().isOk();
		wireMock.resetRequests();
		String outsiderToken = tokens.ed25519((claims) -> claims.subject(outsider).claim("organizationId", orgA));
		expectProblem(call("GET", "/api/orgs/" + orgA + "/profile", outsiderToken), 403, "not_a_member");
	}

	@Test
	void unmatchedPathIsNotFoundAndUnlistedMethodIsNotAllowed() {
		expectProblem(call("GET", "/api/nothing-here", tokens.token(owner, orgA, "owner")), 404, "route_not_found");
		expectProblem(call("PUT", "/api/orgs/" + orgA + "/orders/1", tokens.token(owner, orgA, "owner")), 405,
				"method_not_allowed");
	}

	@Test
	void refusedDownstreamConnectionIsBadGateway() {
		expectProblem(call("GET", "/api/down", null), 502, "downstream_unavailable");
	}

}
