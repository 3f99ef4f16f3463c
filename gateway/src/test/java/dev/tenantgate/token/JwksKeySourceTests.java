package dev.tenantgate.token;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.token.JwtVerifier.TokenClaims;
import dev.tenantgate.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JwksKeySourceTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Duration MIN_REFETCH = Duration.ofSeconds(30);

	private static final Duration REFRESH = Duration.ofHours(1);

	private static final OctetKeyPair K1 = TestJwts.ed25519("k1");

	private static final OctetKeyPair K2 = TestJwts.ed25519("k2");

	private final WireMockServer wireMock = new WireMockServer(options().dynamicPort());

	private final MutableClock clock = new MutableClock(NOW);

	private JwksKeySource keys;

	@BeforeEach
	void startJwks() {
		this.wireMock.start();
		TestJwts.serveJwks(this.wireMock, K1);
		this.keys = keySource(URI.create(this.wireMock.baseUrl() + TestJwts.JWKS_PATH));
	}

	@AfterEach
	void stopJwks() {
		this.wireMock.stop();
	}

	@Test
	void keyWhenKnownThenFetchedOnceAndReused() {
		expectKey("k1");
		expectKey("k1");
		assertThat(requests()).isOne();
	}

	@Test
	void keyWhenUnknownKidAfterCooldownThenExactlyOneRefetch() {
		expectKey("k1");
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		expectNoKey("unknown");
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void verifyWhenManyTokensWithUnknownKidsWithinCooldownThenNoFurtherFetch() {
		JwtVerifier verifier = verifier();
		expectKey("k1");
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		expectNoKey("unknown");
		for (int i = 0; i < 50; i++) {
			String token = TestJwts.sign(K1, JWSAlgorithm.EdDSA, UUID.randomUUID().toString(), this.clock.instant(),
					(claims) -> { });
			StepVerifier.create(verifier.verify(token))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
						(denied) -> assertThat(denied.detail()).isEqualTo("The token's signing key is unknown.")))
				.verify(Duration.ofSeconds(5));
		}
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void keyWhenConcurrentUnknownKidsThenOneFetchInFlight() {
		this.wireMock.stubFor(get(TestJwts.JWKS_PATH).willReturn(aResponse().withFixedDelay(300)
			.withHeader("Content-Type", "application/json")
			.withBody(new JWKSet(K1.toPublicJWK()).toString())));
		Flux<VerificationKey> all = Flux.range(0, 10)
			.flatMap((i) -> this.keys.key((i % 2 == 0) ? "k1" : "unknown-" + i));
		StepVerifier.create(all).expectNextCount(5).verifyComplete();
		assertThat(requests()).isOne();
	}

	@Test
	void keyWhenOneKeyOfTheSetIsNotAValidPointThenTheOthersStillVerify() {
		byte[] neutral = new byte[32];
		neutral[0] = 1; // y = 1: the neutral element, of small order
		String bad = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(neutral)).keyID("bad").build().toJSONString();
		this.wireMock.stubFor(get(TestJwts.JWKS_PATH).willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"keys\":[" + bad + "," + K1.toPublicJWK().toJSONString() + "]}")));
		JwtVerifier verifier = verifier();
		StepVerifier.create(verifier.verify(token(K1))).expectNextCount(1).verifyComplete();
		expectNoKey("bad");
	}

	@Test
	void keyWhenRotatedKeyThenPickedUpOnlyAfterCooldown() {
		expectKey("k1");
		TestJwts.serveJwks(this.wireMock, K1, K2);
		expectNoKey("k2");
		assertThat(requests()).isOne();
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		expectKey("k2");
		expectKey("k1");
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void verifyWhenRotatedKeyAfterCooldownThenTokenAccepted() {
		JwtVerifier verifier = verifier();
		StepVerifier.create(verifier.verify(token(K1))).expectNextCount(1).verifyComplete();
		TestJwts.serveJwks(this.wireMock, K1, K2);
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		StepVerifier.create(verifier.verify(token(K2))).expectNextCount(1).verifyComplete();
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void verifyWhenJwksFailsAfterGoodFetchThenOldKeysKeepVerifying() {
		JwtVerifier verifier = verifier();
		StepVerifier.create(verifier.verify(token(K1))).expectNextCount(1).verifyComplete();
		TestJwts.serveJwksError(this.wireMock, 500);
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		expectNoKey("k2");
		assertThat(requests()).isEqualTo(2);
		StepVerifier.create(verifier.verify(token(K1))).expectNextCount(1).verifyComplete();
	}

	@Test
	void keyWhenKeySetStaleThenServedWhileRefreshedInBackground() {
		expectKey("k1");
		TestJwts.serveJwks(this.wireMock, K2);
		this.clock.advance(REFRESH.plusSeconds(1));
		expectKey("k1");
		await().atMost(Duration.ofSeconds(5)).until(() -> requests() == 2);
		expectKey("k2");
		expectNoKey("k1");
		assertThat(requests()).isEqualTo(2);
	}

	@Test
	void keyWhenJwksDownFromStartThenKeysUnavailable() {
		TestJwts.serveJwksError(this.wireMock, 500);
		expectKeysUnavailable(this.keys.key("k1"));
		StepVerifier.create(verifier().verify(token(K1)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
					(denied) -> assertThat(denied.failureCode()).isEqualTo(FailureCode.KEYS_UNAVAILABLE)))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void keyWhenJwksUnreachableThenKeysUnavailable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		JwksKeySource unreachable = keySource(URI.create("http://127.0.0.1:" + closedPort + "/jwks"));
		expectKeysUnavailable(unreachable.key("k1"));
	}

	@Test
	void keyWhenJwksRecoversThenKeysLoadedAfterCooldown() {
		TestJwts.serveJwksError(this.wireMock, 503);
		expectKeysUnavailable(this.keys.key("k1"));
		TestJwts.serveJwks(this.wireMock, K1);
		expectKeysUnavailable(this.keys.key("k1"));
		assertThat(requests()).isOne();
		this.clock.advance(MIN_REFETCH.plusSeconds(1));
		expectKey("k1");
		assertThat(requests()).isEqualTo(2);
	}

	private JwksKeySource keySource(URI uri) {
		return new JwksKeySource(WebClient.create(), uri, TestJwts.jwksGuard(), REFRESH, MIN_REFETCH, this.clock);
	}

	private JwtVerifier verifier() {
		TokenClaims claims = new TokenClaims(ClaimPath.of("organizationId"), ClaimPath.of("orgRole"),
				ClaimPath.of("role"));
		return new JwtVerifier(this.keys, new VerifiedTokenCache(100, Duration.ofMinutes(5), this.clock),
				Set.of(JWSAlgorithm.EdDSA), TestJwts.ISSUER, List.of(TestJwts.AUDIENCE), Duration.ofSeconds(30), claims,
				this.clock);
	}

	private String token(OctetKeyPair key) {
		return TestJwts.sign(key, JWSAlgorithm.EdDSA, key.getKeyID(), this.clock.instant(), (claims) -> { });
	}

	private int requests() {
		return TestJwts.jwksRequests(this.wireMock);
	}

	private void expectKey(String kid) {
		StepVerifier.create(this.keys.key(kid))
			.assertNext((key) -> assertThat(key.kid()).isEqualTo(kid))
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

	private void expectNoKey(String kid) {
		StepVerifier.create(this.keys.key(kid)).expectComplete().verify(Duration.ofSeconds(10));
	}

	private static void expectKeysUnavailable(Mono<VerificationKey> key) {
		StepVerifier.create(key)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
					(denied) -> assertThat(denied.failureCode()).isEqualTo(FailureCode.KEYS_UNAVAILABLE)))
			.verify(Duration.ofSeconds(10));
	}

}
