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
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
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

	@LocalManagementPort
	int managementPort;

	WebTestClient client;

	/** The management port's (health, metrics): Actuator never answers on the traffic port. */
	WebTestClient management;

	@BeforeAll
	static void requireServices() {
		TestServices.require();
	}

	/**
	 * Registers the gateway's properties for a fresh database of {@code preset}; {@code overrides} come last and
	 * win (e.g. a closed port in place of a service).
	 */
	static void registerGateway(DynamicPropertyRegistry registry, SchemaPreset preset, String... overrides) {
		TestServices.Endpoints services = TestServices.require();
		TestDatabase db = TestDatabase.create(services, (preset == SchemaPreset.PLURAL_SNAKE) ? "plural-snake"
				: "better-auth-default");
		database = db;
		fixtures = new BetterAuthFixtures(db, preset);
		java.util.Map<String, Object> properties = new java.util.LinkedHashMap<>();
		properties.put("spring.r2dbc.url", db.r2dbcUrl());
		properties.put("spring.r2dbc.username", services.pgUser());
		properties.put("spring.r2dbc.password", services.pgPassword());
		properties.put("spring.data.redis.host", services.redisHost());
		properties.put("spring.data.redis.port", services.redisPort());
		properties.put("tenantgate.schema.preset", preset.name());
		properties.put("tenantgate.token.jwks-uri", wireMock.baseUrl() + "/api/auth/jwks");
		properties.put("tenantgate.token.issuer", TestTokens.ISSUER);
		properties.put("tenantgate.token.audiences", TestTokens.AUDIENCE);
		properties.put("tenantgate.token.algorithms", "EdDSA,RS256");
		properties.put("tenantgate.routes-file", "classpath:routes-it.yml");
		// Streams of test runs live as long as the NATS server, not on its disk.
		properties.put("tenantgate.nats.replay.storage", "memory");
		properties.put("test.downstream.port", wireMock.port());
		properties.put("test.closed.port", closedPort());
		for (String override : overrides) {
			int eq = override.indexOf('=');
			properties.put(override.substring(0, eq), override.substring(eq + 1));
		}
		properties.forEach((name, value) -> registry.add(name, () -> value));
	}

	/** A port on which nothing listens. */
	static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@BeforeEach
	void setUpClient() {
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		this.management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.managementPort).build();
		wireMock.resetRequests();
	}

	/** The requests the downstream received (not the gateway's own JWKS fetches). */
	static List<LoggedRequest> downstreamRequests() {
		return wireMock.findAll(anyRequestedFor(urlPathMatching("/api/(?!auth/jwks$).*")));
	}

	static String bearer(String token) {
		return "Bearer " + token;
	}

}
