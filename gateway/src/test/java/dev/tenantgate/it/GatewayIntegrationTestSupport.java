package dev.tenantgate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import dev.tenantgate.support.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A running gateway (random port) in front of WireMock, which serves Better Auth's JWKS and plays every downstream
 * service, with the real PostgreSQL (a fresh database with Better Auth's tables) and the real Redis.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayIntegrationTestSupport {

	static final WireMockServer wireMock = new WireMockServer(options().dynamicPort());

	static final TestTokens tokens = new TestTokens();

	static TestDatabase database;

	static BetterAuthFixtures fixtures;

	static {
		wireMock.start();
		wireMock.stubFor(get(urlEqualTo("/api/auth/jwks")).willReturn(okJson(tokens.jwks())));
		wireMock.stubFor(any(urlPathMatching("/api/.*")).atPriority(10)
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody("downstream")));
	}

	@LocalServerPort
	int port;

	WebTestClient client;

	@BeforeAll
	static void requireServices() {
		TestServices.require();
	}

	@DynamicPropertySource
	static void gatewayProperties(DynamicPropertyRegistry registry) {
		TestServices.Endpoints services = TestServices.require();
		synchronized (GatewayIntegrationTestSupport.class) {
			if (database == null) {
				database = TestDatabase.create(services, "plural-snake");
				fixtures = new BetterAuthFixtures(database, SchemaPreset.PLURAL_SNAKE);
			}
		}
		registry.add("spring.r2dbc.url", database::r2dbcUrl);
		registry.add("spring.r2dbc.username", services::pgUser);
		registry.add("spring.r2dbc.password", services::pgPassword);
		registry.add("spring.data.redis.host", services::redisHost);
		registry.add("spring.data.redis.port", services::redisPort);
		registry.add("tenantgate.token.jwks-uri", () -> wireMock.baseUrl() + "/api/auth/jwks");
		registry.add("tenantgate.token.issuer", () -> TestTokens.ISSUER);
		registry.add("tenantgate.token.audiences", () -> TestTokens.AUDIENCE);
		registry.add("tenantgate.token.algorithms", () -> "EdDSA,RS256");
		registry.add("tenantgate.routes-file", () -> "classpath:routes-it.yml");
		registry.add("test.downstream.port", wireMock::port);
		registry.add("test.closed.port", GatewayIntegrationTestSupport::closedPort);
	}

	@BeforeEach
	void setUpClient() {
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		wireMock.resetRequests();
	}

	/** The requests the downstream received. */
	static List<LoggedRequest> downstreamRequests() {
		return wireMock.findAll(anyRequestedFor(urlPathMatching("/api/.*")));
	}

	static String bearer(String token) {
		return "Bearer " + token;
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
