package dev.tenantgate.it;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TestDatabase;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL and Redis both unreachable: a role that must be looked up cannot be, so the request fails closed with
 * 503 {@code role_unavailable} and {@code Retry-After}, never 200 and never 500.
 */
class FailClosedIntegrationTests extends GatewayIntegrationTestSupport {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE,
				"spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:" + closedPort() + "/none",
				"spring.data.redis.port=" + closedPort(), "tenantgate.resilience.postgres.timeout=1s");
	}

	@Test
	void coldLookupWithStoresDownIsServiceUnavailable() {
		String token = tokens.token(TestDatabase.newId(), TestDatabase.newId(), "owner");
		// Until the first JWKS fetch has landed (the machine may be slow), the answer is 503 keys_unavailable;
		// after it, 503 role_unavailable. Never anything else.
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> this.client.get()
			.uri("/api/me")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "5")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("role_unavailable"));
		TenantAuthorizationIntegrationTests.expectProblem(this.client.get()
			.uri("/api/me")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange(), 503, "role_unavailable");
	}

	@Test
	void publicRoutesKeepWorking() {
		this.client.get().uri("/api/status").exchange().expectStatus().isOk();
	}

}
