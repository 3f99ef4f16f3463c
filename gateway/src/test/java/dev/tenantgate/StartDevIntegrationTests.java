package dev.tenantgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code start-dev}: one command, nothing installed (embedded PostgreSQL, no Redis, no NATS), and the three
 * decisions its banner promises.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartDevIntegrationTests {

	static ConfigurableApplicationContext context;

	static WebTestClient client;

	static WebTestClient management;

	static int firstRequestStatus;

	@BeforeAll
	static void startDev() {
		int port = freePort();
		int managementPort = freePort();
		context = TenantgateApplication.startDev(new String[] { "--server.port=" + port,
				"--management.server.port=" + managementPort, "--tenantgate.dev.echo-port=" + freePort(),
				"--spring.data.redis.port=" + freePort() });
		client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
		management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
		// As a newcomer does: a token and a request at once, without waiting for readiness.
		firstRequestStatus = client.get()
			.uri("/api/orgs/acme/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("user=vera&org=acme"))
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void bannerCommandsGiveAnAllowedRequestATenantMismatchAndARoleDenial(CapturedOutput output) {
		String token = token("user=vera&org=acme");
		client.get()
			.uri("/api/orgs/acme/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.service")
			.isEqualTo("echo")
			.jsonPath("$.headers.X-User-Id")
			.isEqualTo("vera")
			.jsonPath("$.headers.X-Org-Role")
			.isEqualTo("viewer");
		client.get()
			.uri("/api/orgs/globex/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("tenant_mismatch");
		client.post()
			.uri("/api/orgs/acme/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("role_insufficient");
	}

	/**
	 * The JWKS is this process's own {@code /dev/jwks}: fetched before the server listened, it failed, and the first
	 * request after start-up was refused with {@code keys_unavailable}.
	 */
	@Test
	void theFirstRequestRightAfterStartUpIsAuthorized(CapturedOutput output) {
		assertThat(firstRequestStatus).isEqualTo(200);
		assertThat(output).doesNotContain("JWKS fetch from");
	}

	@Test
	void rolesAreReadFromTheEmbeddedDatabaseWhenTheTokenHasNoClaims() {
		String token = token("user=bob&org=acme&claims=false");
		client.post()
			.uri("/api/orgs/acme/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.headers.X-Org-Role")
			.isEqualTo("staff");
	}

	@Test
	void bannerSaysWhereHealthAndMetricsAre(CapturedOutput output) { // issue-26
		String managementPort = context.getEnvironment().getProperty("local.management.port");
		assertThat(output).contains("curl -s http://localhost:" + managementPort + "/actuator/health");
		client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
	}

	@Test
	void devTokenIsIssuedUnderStartDev() { // issue-26: start-dev, and only start-dev, turns the issuer on
		assertThat(token("user=vera&org=acme")).startsWith("ey");
	}

	private static String token(String query) {
		return client.get()
			.uri("/dev/token?" + query)
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
