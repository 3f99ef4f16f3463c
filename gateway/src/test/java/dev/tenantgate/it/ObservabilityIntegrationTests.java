package dev.tenantgate.it;

import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, health groups, the decision log and shadow mode, seen from outside.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIntegrationTests extends GatewayIntegrationTestSupport {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
	}

	@Test
	void decisionsAreCountedAndEveryRefusalIsLoggedAsJsonWithoutTheToken(CapturedOutput output) {
		String org = fixtures.organization();
		String other = fixtures.organization();
		String viewer = fixtures.user("user");
		fixtures.member(viewer, org, "viewer");
		String token = tokens.ed25519((claims) -> claims.subject(viewer).claim("organizationId", org));
		get("/api/orgs/" + org + "/orders", token).expectStatus().isOk();
		get("/api/orgs/" + other + "/orders", token).expectStatus().isForbidden();

		assertThat(output.getOut()).containsPattern("\\{\"event\":\"decision\",\"outcome\":\"denied\","
				+ "\"code\":\"tenant_mismatch\",\"status\":403,\"method\":\"GET\",\"route\":\"orders\",\"userId\":\""
				+ viewer + "\",\"tenant\":\"" + other + "\"");
		assertThat(output.getOut()).doesNotContain(token);
		String metrics = prometheus();
		assertThat(metrics).containsPattern(
				"tenantgate_decisions_total\\{[^}]*code=\"tenant_mismatch\"[^}]*outcome=\"denied\"[^}]*route=\"orders\"");
		assertThat(metrics).containsPattern("tenantgate_decisions_total\\{[^}]*code=\"ok\"[^}]*outcome=\"allowed\"");
		assertThat(metrics).containsPattern("tenantgate_role_lookups_total\\{[^}]*kind=\"membership\"[^}]*tier=\"postgres\"");
		assertThat(metrics).containsPattern("tenantgate_jwks_fetches_total\\{[^}]*outcome=\"success\"");
		assertThat(metrics).contains("tenantgate_decision_duration_seconds");
		// One request meter, the gateway's; the per-request observations are off unless TENANTGATE_TRACING is set.
		assertThat(metrics).containsPattern(
				"spring_cloud_gateway_requests_seconds_count\\{[^}]*httpStatusCode=\"200\"[^}]*routeId=\"orders\"");
		assertThat(metrics).doesNotContain("http_server_requests_seconds").doesNotContain("http_client_requests_seconds")
			.doesNotContain("lettuce_");
	}

	@Test
	void shadowRouteLogsTheRefusalButProxiesWithoutIdentityHeaders(CapturedOutput output) {
		String org = fixtures.organization();
		String viewer = fixtures.user("user");
		fixtures.member(viewer, org, "viewer");
		String token = tokens.token(viewer, org, "viewer");
		get("/api/orgs/" + org + "/beta/feature", token).expectStatus().isOk();
		var request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(request.getHeaders().getHeader("X-User-Id").isPresent()).isFalse();
		assertThat(request.getHeaders().getHeader("X-Org-Role").isPresent()).isFalse();
		assertThat(output.getOut()).contains("\"outcome\":\"shadow_denied\",\"code\":\"role_insufficient\"");
	}

	@Test
	void healthGroupsShowReadinessAndEveryDependency() {
		this.management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		this.management.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.jwks.status")
			.isEqualTo("UP");
		this.management.get()
			.uri("/actuator/health/dependencies")
			.exchange()
			.expectBody()
			.jsonPath("$.components.postgres.status")
			.isEqualTo("UP")
			.jsonPath("$.components.postgres.details.circuitBreaker")
			.isEqualTo("CLOSED")
			.jsonPath("$.components.r2dbc")
			.doesNotExist()
			.jsonPath("$.components.redis.status")
			.isEqualTo("UP")
			.jsonPath("$.components.nats.details.subjects[0]")
			.isEqualTo("member.role.changed");
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec get(String path, String token) {
		return this.client.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(token)).exchange();
	}

	private String prometheus() {
		return this.management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}
