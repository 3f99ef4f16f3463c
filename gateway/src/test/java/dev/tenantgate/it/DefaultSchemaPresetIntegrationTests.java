package dev.tenantgate.it;

import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code better-auth-default} preset: Better Auth's own singular, camelCase tables ({@code "user"},
 * {@code "member"}, {@code "userId"}).
 */
class DefaultSchemaPresetIntegrationTests extends GatewayIntegrationTestSupport {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.BETTER_AUTH_DEFAULT);
	}

	@Test
	void rolesAndBansAreReadFromTheDefaultTables() {
		String org = fixtures.organization();
		String staff = fixtures.user("admin,user");
		String banned = fixtures.user("user", true, null);
		fixtures.member(staff, org, "staff");
		fixtures.member(banned, org, "owner");
		String token = tokens.ed25519((claims) -> claims.subject(staff).claim("organizationId", org));
		this.client.post()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isOk();
		var request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(request.getHeaders().getHeader("X-Org-Role").firstValue()).isEqualTo("staff");
		assertThat(request.getHeaders().getHeader("X-Platform-Role").firstValue()).isEqualTo("admin,user");
		wireMock.resetRequests();
		TenantAuthorizationIntegrationTests.expectProblem(this.client.get()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.token(banned, org, "owner")))
			.exchange(), 403, "user_banned");
	}

}
