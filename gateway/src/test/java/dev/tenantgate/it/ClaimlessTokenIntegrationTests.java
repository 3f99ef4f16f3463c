package dev.tenantgate.it;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code require-organization-claim: false}: a token without the organization claim (Better Auth's default payload)
 * gets only the organizations where its user is a member, before any platform role counts, and one user can have
 * memberships looked up in a bounded number of organizations per window (2 here).
 */
class ClaimlessTokenIntegrationTests extends GatewayIntegrationTestSupport { // issue-26

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.roles.require-organization-claim=false",
				"tenantgate.roles.claimless.maximum-organizations=2",
				// Cold lookups on a shared, loaded machine: this class is not about time limits.
				"tenantgate.resilience.postgres.timeout=10s");
	}

	@Test
	void claimlessTokenIsLetIntoTheUsersOwnOrganizationOnly() {
		String org = fixtures.organization();
		String other = fixtures.organization();
		String staff = fixtures.user("user");
		fixtures.member(staff, org, "staff");
		String token = tokens.ed25519((claims) -> claims.subject(staff));
		call("POST", "/api/orgs/" + org + "/orders", token).expectStatus().isOk();
		wireMock.resetRequests();
		TenantAuthorizationIntegrationTests.expectProblem(call("GET", "/api/orgs/" + other + "/orders", token), 403,
				"not_a_member");
	}

	@Test
	void platformRoleCountsOnlyWhereTheClaimlessTokensUserIsAMember() {
		String own = fixtures.organization();
		String foreign = fixtures.organization();
		String superAdmin = fixtures.user("superadmin");
		fixtures.member(superAdmin, own, "viewer");
		String token = tokens.ed25519((claims) -> claims.subject(superAdmin).claim("role", "superadmin"));
		// GET /reports: { min-role: owner, platform-roles: [superadmin] }
		call("GET", "/api/orgs/" + own + "/reports", token).expectStatus().isOk();
		wireMock.resetRequests();
		TenantAuthorizationIntegrationTests.expectProblem(call("GET", "/api/orgs/" + foreign + "/reports", token), 403,
				"not_a_member");
	}

	@Test
	void organizationsOneUserCanHaveLookedUpAreBounded() {
		String user = fixtures.user("user");
		String token = tokens.ed25519((claims) -> claims.subject(user));
		for (int i = 0; i < 2; i++) {
			TenantAuthorizationIntegrationTests.expectProblem(
					call("GET", "/api/orgs/" + TestDatabase.newId() + "/orders", token), 403, "not_a_member");
		}
		TenantAuthorizationIntegrationTests.expectProblem(
				call("GET", "/api/orgs/" + TestDatabase.newId() + "/orders", token), 429, "too_many_organizations");
		// Another user is counted apart.
		String second = fixtures.user("user");
		TenantAuthorizationIntegrationTests.expectProblem(call("GET", "/api/orgs/" + TestDatabase.newId() + "/orders",
				tokens.ed25519((claims) -> claims.subject(second))), 403, "not_a_member");
		assertThat(downstreamRequests()).isEmpty();
	}

	WebTestClient.ResponseSpec call(String method, String path, String token) {
		return this.client.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange();
	}

}
