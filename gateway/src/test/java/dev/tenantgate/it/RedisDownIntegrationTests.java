package dev.tenantgate.it;

import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis unreachable: it is only a cache, so lookups go straight to PostgreSQL and answers stay correct.
 */
class RedisDownIntegrationTests extends GatewayIntegrationTestSupport {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.data.redis.port=" + closedPort());
	}

	@Test
	void rolesAreReadFromPostgresWhenRedisIsDown() {
		String org = fixtures.organization();
		String staff = fixtures.user("user");
		String viewer = fixtures.user("user");
		fixtures.member(staff, org, "staff");
		fixtures.member(viewer, org, "viewer");
		this.client.post()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.ed25519((c) -> c.subject(staff).claim("organizationId", org))))
			.exchange()
			.expectStatus()
			.isOk();
		wireMock.resetRequests();
		TenantAuthorizationIntegrationTests.expectProblem(this.client.post()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.ed25519((c) -> c.subject(viewer).claim("organizationId", org))))
			.exchange(), 403, "role_insufficient");
	}

}
