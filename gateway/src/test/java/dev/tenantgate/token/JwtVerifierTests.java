package dev.tenantgate.token;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.token.JwtVerifier.TokenClaims;
import dev.tenantgate.support.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class JwtVerifierTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private static final Duration SKEW = Duration.ofSeconds(30);

	private static final TokenClaims CLAIMS = new TokenClaims(ClaimPath.of("organizationId"), ClaimPath.of("orgRole"),
			ClaimPath.of("role"));

	private static OctetKeyPair ed25519;

	private static RSAKey rsa;

	private static ECKey ec;

	private final WireMockServer wireMock = new WireMockServer(options().dynamicPort());

	private final MutableClock clock = new MutableClock(NOW);

	@BeforeAll
	static void keys() throws JOSEException {
		ed25519 = TestJwts.ed25519("k1");
		rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
		ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
	}

	@BeforeEach
	void startJwks() {
		this.wireMock.start();
		TestJwts.serveJwks(this.wireMock, ed25519, rsa, ec);
	}

	@AfterEach
	void stopJwks() {
		this.wireMock.stop();
	}

	@Test
	void verifyWhenValidEdDsaTokenThenClaimsRead() {
		String token = ed25519Token((claims) -> claims.claim("organizationId", "acme")
			.claim("orgRole", List.of("staff", "viewer"))
			.claim("role", "admin"));
		StepVerifier.create(verifier().verify(token))
			.expectNext(new VerifiedToken("u1", "acme", "staff,viewer", "admin", NOW, NOW.plus(Duration.ofMinutes(15)).plus(SKEW)))
			.verifyComplete();
	}

	@Test
	void verifyWhenNestedClaimPathThenReadFromObject() {
		TokenClaims nested = new TokenClaims(ClaimPath.of("o.id"), ClaimPath.of("o.role"), ClaimPath.of("role"));
		String token = ed25519Token((claims) -> claims.claim("o", Map.of("id", "acme", "role", "owner")));
		StepVerifier.create(verifier(Set.of(JWSAlgorithm.EdDSA), nested).verify(token))
			.assertNext((verified) -> {
				assertThat(verified.organizationId()).isEqualTo("acme");
				assertThat(verified.orgRole()).isEqualTo("owner");
				assertThat(verified.platformRole()).isNull();
			})
			.verifyComplete();
	}

	@Test
	void verifyWhenRs256AndEs256NotAllowedThenTokenInvalid() {
		assertInvalid(verifier().verify(TestJwts.sign(rsa, JWSAlgorithm.RS256, "r1", NOW, (c) -> { })),
				"The token's signing algorithm is not accepted.");
		assertInvalid(verifier().verify(TestJwts.sign(ec, JWSAlgorithm.ES256, "e1", NOW, (c) -> { })),
				"The token's signing algorithm is not accepted.");
	}

	@Test
	void verifyWhenRs256AndEs256AllowedThenAccepted() {
		JwtVerifier verifier = verifier(Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.RS256, JWSAlgorithm.ES256), CLAIMS);
		StepVerifier.create(verifier.verify(TestJwts.sign(rsa, JWSAlgorithm.RS256, "r1", NOW, (c) -> { })))
			.expectNextMatches((verified) -> verified.subject().equals("u1"))
			.verifyComplete();
		StepVerifier.create(verifier.verify(TestJwts.sign(ec, JWSAlgorithm.ES256, "e1", NOW, (c) -> { })))
			.expectNextMatches((verified) -> verified.subject().equals("u1"))
			.verifyComplete();
	}

	@Test
	void verifyWhenAlgorithmDoesNotMatchKeyThenTokenInvalid() {
		JwtVerifier verifier = verifier(Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.RS256), CLAIMS);
		// An RSA signature presented under the Ed25519 key's id.
		assertInvalid(verifier.verify(TestJwts.sign(rsa, JWSAlgorithm.RS256, "k1", NOW, (c) -> { })),
				"The token's algorithm does not match its key.");
	}

	@Test
	void verifyWhenAlgNoneThenTokenInvalid() {
		String token = new PlainJWT(claims(NOW).build()).serialize();
		assertInvalid(verifier().verify(token), "The token is not a signed JWT.");
		assertThat(TestJwts.jwksRequests(this.wireMock)).isZero();
	}

	@Test
	void verifyWhenHs256SignedWithPublicKeyThenTokenInvalid() throws JOSEException {
		JwtVerifier verifier = verifier(Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.RS256, JWSAlgorithm.HS256), CLAIMS);
		String withEd25519Bytes = TestJwts.sign(new MACSigner(ed25519.getDecodedX()),
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims(NOW).build());
		String withRsaBytes = TestJwts.sign(new MACSigner(rsa.toPublicKey().getEncoded()),
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("r1").build(), claims(NOW).build());
		assertInvalid(verifier.verify(withEd25519Bytes), "The token's algorithm does not match its key.");
		assertInvalid(verifier.verify(withRsaBytes), "The token's algorithm does not match its key.");
		assertInvalid(verifier().verify(withEd25519Bytes), "The token's signing algorithm is not accepted.");
	}

	@Test
	void verifyWhenSignedByAnotherKeyWithRealKidThenTokenInvalid() {
		OctetKeyPair impostor = TestJwts.ed25519("k1");
		assertInvalid(verifier().verify(TestJwts.sign(impostor, JWSAlgorithm.EdDSA, "k1", NOW, (c) -> { })),
				"The token's signature is invalid.");
	}

	@Test
	void verifyWhenPayloadTamperedThenTokenInvalid() {
		String[] parts = ed25519Token((claims) -> claims.claim("orgRole", "viewer")).split("\\.");
		String forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(claims(NOW).claim("orgRole", "owner").build().toString().getBytes());
		assertInvalid(verifier().verify(parts[0] + "." + forged + "." + parts[2]), "The token's signature is invalid.");
	}

	@Test
	void verifyWhenExpiredBeyondSkewThenTokenExpired() {
		String token = ed25519Token((claims) -> claims.expirationTime(Date.from(NOW.minus(SKEW).minusSeconds(1))));
		assertFailure(verifier().verify(token), FailureCode.TOKEN_EXPIRED);
	}

	@Test
	void verifyWhenExpiredWithinSkewThenAccepted() {
		String token = ed25519Token((claims) -> claims.expirationTime(Date.from(NOW.minusSeconds(10))));
		StepVerifier.create(verifier().verify(token)).expectNextCount(1).verifyComplete();
	}

	@Test
	void verifyWhenNoExpiryThenTokenInvalid() {
		assertInvalid(verifier().verify(ed25519Token((claims) -> claims.expirationTime(null))), "The token has no expiry.");
	}

	@Test
	void verifyWhenNotBeforeInFutureThenTokenInvalid() {
		String token = ed25519Token((claims) -> claims.notBeforeTime(Date.from(NOW.plus(SKEW).plusSeconds(1))));
		assertInvalid(verifier().verify(token), "The token is not valid yet.");
	}

	@Test
	void verifyWhenWrongIssuerThenTokenInvalid() {
		assertInvalid(verifier().verify(ed25519Token((claims) -> claims.issuer("https://evil.example.test"))),
				"The token was issued by another issuer.");
	}

	@Test
	void verifyWhenWrongAudienceThenTokenInvalid() {
		assertInvalid(verifier().verify(ed25519Token((claims) -> claims.audience("https://other.example.test"))),
				"The token is meant for another audience.");
		assertInvalid(verifier().verify(ed25519Token((claims) -> claims.audience((String) null))),
				"The token is meant for another audience.");
	}

	@Test
	void verifyWhenAudienceArrayContainsOursThenAccepted() {
		String token = ed25519Token((claims) -> claims.audience(List.of("https://other.example.test", TestJwts.AUDIENCE)));
		StepVerifier.create(verifier().verify(token)).expectNextCount(1).verifyComplete();
	}

	@Test
	void verifyWhenNoSubjectThenTokenInvalid() {
		assertInvalid(verifier().verify(ed25519Token((claims) -> claims.subject(null))), "The token has no subject.");
	}

	@Test
	void verifyWhenNoKidThenTokenInvalidWithoutFetchingKeys() {
		String token = TestJwts.sign(TestJwts.signer(ed25519), new JWSHeader.Builder(JWSAlgorithm.EdDSA).build(),
				claims(NOW).build());
		assertInvalid(verifier().verify(token), "The token has no key id.");
		assertThat(TestJwts.jwksRequests(this.wireMock)).isZero();
	}

	@Test
	void verifyWhenNotAJwtThenTokenInvalid() {
		assertInvalid(verifier().verify("not.a.jwt"));
		assertInvalid(verifier().verify("abc"));
	}

	@Test
	void verifyWhenSameTokenTwiceThenSecondServedFromCache() {
		JwtVerifier verifier = verifier();
		String token = ed25519Token((claims) -> { });
		VerifiedToken first = verifier.verify(token).block();
		VerifiedToken second = verifier.verify(token).block();
		assertThat(second).isSameAs(first);
		assertThat(TestJwts.jwksRequests(this.wireMock)).isOne();
	}

	@Test
	void verifyWhenCachedTokenExpiredThenTokenExpired() {
		JwtVerifier verifier = verifier();
		String token = ed25519Token((claims) -> claims.expirationTime(Date.from(NOW.plusSeconds(60))));
		StepVerifier.create(verifier.verify(token)).expectNextCount(1).verifyComplete();
		this.clock.advance(Duration.ofSeconds(60).plus(SKEW));
		assertFailure(verifier.verify(token), FailureCode.TOKEN_EXPIRED);
	}

	private JwtVerifier verifier() {
		return verifier(Set.of(JWSAlgorithm.EdDSA), CLAIMS);
	}

	private JwtVerifier verifier(Set<JWSAlgorithm> algorithms, TokenClaims claims) {
		JwksKeySource keys = new JwksKeySource(WebClient.create(),
				URI.create(this.wireMock.baseUrl() + TestJwts.JWKS_PATH), TestJwts.jwksGuard(), Duration.ofHours(1),
				Duration.ofSeconds(30), this.clock);
		return new JwtVerifier(keys, new VerifiedTokenCache(100, Duration.ofMinutes(5), this.clock), algorithms,
				TestJwts.ISSUER, List.of(TestJwts.AUDIENCE), SKEW, claims, this.clock);
	}

	private static String ed25519Token(Consumer<JWTClaimsSet.Builder> claims) {
		return TestJwts.sign(ed25519, JWSAlgorithm.EdDSA, "k1", NOW, claims);
	}

	private static JWTClaimsSet.Builder claims(Instant now) {
		return new JWTClaimsSet.Builder().issuer(TestJwts.ISSUER)
			.audience(TestJwts.AUDIENCE)
			.subject("u1")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
	}

	private static void assertInvalid(Mono<VerifiedToken> result) {
		assertFailure(result, FailureCode.TOKEN_INVALID);
	}

	private static void assertInvalid(Mono<VerifiedToken> result, String detail) {
		StepVerifier.create(result)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class, (denied) -> {
				assertThat(denied.failureCode()).isEqualTo(FailureCode.TOKEN_INVALID);
				assertThat(denied.detail()).isEqualTo(detail);
			}))
			.verify(Duration.ofSeconds(10));
	}

	private static void assertFailure(Mono<VerifiedToken> result, FailureCode code) {
		StepVerifier.create(result)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(AccessDeniedException.class,
					(denied) -> assertThat(denied.failureCode()).isEqualTo(code)))
			.verify(Duration.ofSeconds(10));
	}

}
