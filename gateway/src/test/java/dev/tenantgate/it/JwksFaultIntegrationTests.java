package dev.tenantgate.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tenantgate.it.Traffic.ok;
import static dev.tenantgate.it.Traffic.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JWKS endpoint behind a proxy. Once a key set was fetched, tokens keep verifying while the endpoint is down,
 * and tokens naming unknown key ids cannot turn into a flood of JWKS requests, whether the endpoint is up or down.
 * The key set counts as stale after 1 s here and refetches are at least 2 s apart, so both paths run during the test.
 */
@DirtiesContext
class JwksFaultIntegrationTests extends GatewayIntegrationTestSupport {

	/** A JWKS path of this class's own, so other gateways sharing WireMock never add to the count. */
	static final String JWKS_PATH = "/jwks-fault/" + TestDatabase.newId() + "/jwks";

	static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(2);

	static TcpProxy jwksProxy;

	String org;

	String viewer;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		wireMock.stubFor(get(urlEqualTo(JWKS_PATH)).willReturn(okJson(tokens.jwks())));
		jwksProxy = TcpProxy.start("jwks", "127.0.0.1", wireMock.port());
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE,
				"tenantgate.token.jwks-uri=http://127.0.0.1:" + jwksProxy.port() + JWKS_PATH,
				"tenantgate.token.jwks.refresh-interval=1s",
				"tenantgate.token.jwks.min-refetch-interval=" + MIN_REFETCH_INTERVAL.toMillis() + "ms");
	}

	@BeforeEach
	void keysLoaded() {
		this.org = fixtures.organization();
		this.viewer = fixtures.user("user");
		fixtures.member(this.viewer, this.org, "viewer");
		Traffic traffic = new Traffic(this.port);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> traffic.send(validProbes(1).get(0)).status() == 200);
	}

	@AfterEach
	void restoreJwks() {
		jwksProxy.restore();
	}

	@Test
	void tokensKeepVerifyingWhileTheJwksEndpointIsDown() throws InterruptedException {
		jwksProxy.cut();
		Thread.sleep(MIN_REFETCH_INTERVAL.toMillis()); // the key set is stale and a refetch is due: it will fail
		List<Traffic.Probe> probes = new ArrayList<>(validProbes(60));
		probes.addAll(unknownKidProbes(20));
		Traffic.Report report = new Traffic(this.port).run(probes, 4, Duration.ofSeconds(3), 2000);

		assertThat(report.violations()).as(report.summary()).isEmpty();
		assertThat(report.requests()).as(report.summary()).isGreaterThanOrEqualTo(80);
		assertThat(jwksProxy.connectionsRefused()).as("the gateway tried to refetch the keys").isPositive();
	}

	@Test
	void floodOfUnknownKeyIdsFetchesTheJwksAtABoundedRate() {
		List<Traffic.Probe> probes = new ArrayList<>(unknownKidProbes(400));
		probes.addAll(validProbes(40));
		int before = jwksRequests();
		long start = System.nanoTime();
		Traffic.Report report = new Traffic(this.port).run(probes, 4, Duration.ofSeconds(3), 440);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		int fetches = jwksRequests() - before;

		assertThat(report.violations()).as(report.summary()).isEmpty();
		assertThat(report.requests()).as(report.summary()).isGreaterThanOrEqualTo(200);
		assertThat(fetches).as("JWKS fetches for %s requests in %s", report.requests(), elapsed)
			.isLessThanOrEqualTo(maxFetches(elapsed));
	}

	@Test
	void floodOfUnknownKeyIdsWhileTheJwksEndpointIsDownStaysBounded() {
		List<Traffic.Probe> probes = new ArrayList<>(unknownKidProbes(400));
		probes.addAll(validProbes(40));
		jwksProxy.cut();
		int before = jwksProxy.connectionsRefused();
		long start = System.nanoTime();
		Traffic.Report report = new Traffic(this.port).run(probes, 4, Duration.ofSeconds(3), 440);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		int attempts = jwksProxy.connectionsRefused() - before;

		assertThat(report.violations()).as(report.summary()).isEmpty();
		assertThat(report.requests()).as(report.summary()).isGreaterThanOrEqualTo(200);
		// The HTTP client may retry a connection reset once: at most two connections per permitted fetch.
		assertThat(attempts).as("JWKS connection attempts for %s requests in %s", report.requests(), elapsed)
			.isLessThanOrEqualTo(2 * maxFetches(elapsed));
	}

	/** One fetch per started refetch interval, plus one already due when the flood starts. */
	static int maxFetches(Duration elapsed) {
		return (int) (elapsed.toMillis() / MIN_REFETCH_INTERVAL.toMillis()) + 2;
	}

	static int jwksRequests() {
		return wireMock.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build()).getCount();
	}

	/** Distinct fresh tokens (so none is served from the verified-token cache) for a member allowed to read. */
	List<Traffic.Probe> validProbes(int count) {
		List<Traffic.Probe> probes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String token = tokens.ed25519((claims) -> claims.subject(this.viewer)
				.claim("organizationId", this.org)
				.claim("orgRole", "viewer")
				.jwtID(TestDatabase.newId()));
			probes.add(new Traffic.Probe("known key", "GET", "/api/orgs/" + this.org + "/orders", token, ok()));
		}
		return probes;
	}

	/** Tokens signed by the real key but naming key ids the JWKS never had. */
	List<Traffic.Probe> unknownKidProbes(int count) {
		List<Traffic.Probe> probes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String token = TestTokens.sign(JWSAlgorithm.EdDSA, "made-up-" + TestDatabase.newId(),
					TestTokens.signer(tokens.ed25519()), (claims) -> claims.subject(this.viewer)
						.claim("organizationId", this.org)
						.claim("orgRole", "viewer"));
			probes.add(new Traffic.Probe("unknown key id", "GET", "/api/orgs/" + this.org + "/orders", token,
					problem(401, "token_invalid")));
		}
		return probes;
	}

}
