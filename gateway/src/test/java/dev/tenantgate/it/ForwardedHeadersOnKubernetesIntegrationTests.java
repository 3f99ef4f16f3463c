package dev.tenantgate.it;

import java.util.List;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tenantgate.it.AttackIntegrationTests.namesOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Kubernetes Spring Boot turns its forwarding-header handling on by itself (for every client) unless the
 * strategy is set: tenantgate sets it, so with no trusted proxy a client's forwarding headers change nothing, and a
 * malformed one is removed like the others instead of resetting the connection.
 */
@DirtiesContext
class ForwardedHeadersOnKubernetesIntegrationTests extends GatewayIntegrationTestSupport {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.main.cloud-platform=kubernetes");
	}

	// issue-26
	@Test
	void malformedForwardingHeadersFromAClientAreRemovedNeverAConnectionReset() {
		for (List<String> forged : List.of(List.of("X-Forwarded-Prefix: no-leading-slash"),
				List.of("X-Forwarded-Prefix: //evil.example"), List.of("X-Forwarded-Port: 99999999999"),
				List.of("X-Forwarded-Host: [::1"), List.of("Forwarded: for=\"unclosed"),
				List.of("X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example", "X-Forwarded-Prefix: x"))) {
			wireMock.resetRequests();
			RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/status", forged);
			assertThat(response.status()).as(forged + ": " + response).isEqualTo(200);
			assertThat(namesOf(TenantAuthorizationIntegrationTests.onlyDownstreamRequest()))
				.as("headers the downstream received")
				.doesNotContain("forwarded")
				.noneMatch((name) -> name.startsWith("x-forwarded-"));
		}
	}

}
