package dev.tenantgate.it;

import java.time.Duration;

import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A downstream that does not answer within the gateway's response timeout (500 ms here) gets the client a 504
 * {@code downstream_timeout} problem soon after the timeout, long before the downstream would answer (20 s).
 */
@DirtiesContext
class DownstreamTimeoutIntegrationTests extends GatewayIntegrationTestSupport {

	static final Duration DOWNSTREAM_DELAY = Duration.ofSeconds(20);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/slow")).atPriority(1)
			.willReturn(aResponse().withStatus(200)
				.withFixedDelay((int) DOWNSTREAM_DELAY.toMillis())
				.withBody("too late")));
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE,
				"spring.cloud.gateway.server.webflux.httpclient.response-timeout=500ms");
	}

	@Test
	void downstreamSlowerThanTheResponseTimeoutIsGatewayTimeout() {
		String org = fixtures.organization();
		String viewer = fixtures.user("user");
		fixtures.member(viewer, org, "viewer");
		String token = tokens.token(viewer, org, "viewer");
		this.client.get()
			.uri("/api/orgs/" + org + "/orders/1")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isOk();

		long start = System.nanoTime();
		this.client.mutate()
			.responseTimeout(Duration.ofSeconds(15))
			.build()
			.get()
			.uri("/api/orgs/" + org + "/orders/slow")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("downstream_timeout")
			.jsonPath("$.status")
			.isEqualTo(504);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(elapsed).as("answered by the gateway's timeout, not by the downstream")
			.isLessThan(Duration.ofSeconds(10));
		assertThat(downstreamRequests()).extracting((request) -> request.getUrl())
			.contains("/api/orgs/" + org + "/orders/slow");
	}

}
