package dev.tenantgate.token;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.support.MutableClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Whatever string is presented as a token (random bytes, token-shaped noise, real tokens with bytes flipped, parts
 * swapped or cut, properly signed tokens with odd headers and claims), {@link JwtVerifier} answers with a verified
 * token or an {@link AccessDeniedException} saying the token is bad or could not be checked, and nothing else.
 */
class JwtVerifierPropertyTests {

	static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	static final Set<FailureCode> DENIALS = Set.of(FailureCode.TOKEN_INVALID, FailureCode.TOKEN_EXPIRED,
			FailureCode.KEYS_UNAVAILABLE);

	static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	static final OctetKeyPair ED25519 = TestJwts.ed25519("k1");

	static final RSAKey RSA;

	static final ECKey EC;

	static {
		try {
			RSA = new RSAKeyGenerator(2048).keyID("r1").generate();
			EC = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static final String JWKS = new JWKSet(List.<JWK>of(ED25519.toPublicJWK(), RSA.toPublicJWK(), EC.toPublicJWK()))
		.toString(true);

	/** Real tokens, each verifying to a known result, as the seeds of the mutations. */
	static final List<String> VALID = List.of(
			TestJwts.sign(ED25519, JWSAlgorithm.EdDSA, "k1", NOW, (claims) -> claims.claim("organizationId", "acme")
				.claim("orgRole", "owner")),
			TestJwts.sign(RSA, JWSAlgorithm.RS256, "r1", NOW, (claims) -> claims.claim("role", "admin")),
			TestJwts.sign(EC, JWSAlgorithm.ES256, "e1", NOW, (claims) -> claims.claim("organizationId", "globex")));

	private final MutableClock clock = new MutableClock(NOW);

	// A JWKS endpoint in-process: every fetch answers with the real key set at once.
	private final JwtVerifier verifier = verifier();

	private final List<VerifiedToken> expected = VALID.stream()
		.map((token) -> this.verifier.verify(token).block(Duration.ofSeconds(5)))
		.toList();

	@Property(tries = 3000)
	void anyStringIsVerifiedOrDeniedAndNothingElse(@ForAll("anyTokens") String token) {
		Object outcome = outcome(token);
		Statistics.label("outcome").collect(outcome instanceof FailureCode ? outcome : "verified");
		if (outcome instanceof VerifiedToken verified) {
			assertThat(this.expected).as("only an unchanged token verifies").contains(verified);
		}
	}

	@Property(tries = 2000)
	void mutatedRealTokenIsDeniedUnlessItStillSaysTheSame(@ForAll("mutatedTokens") Tuple.Tuple2<Integer, String> seeded) {
		Object outcome = outcome(seeded.get2());
		Statistics.label("outcome").collect(outcome instanceof FailureCode ? outcome : "verified");
		if (outcome instanceof VerifiedToken verified) {
			// e.g. a different but equivalent base64url tail of the signature: same bytes, same claims
			assertThat(verified).isEqualTo(this.expected.get(seeded.get1()));
		}
	}

	@Property(tries = 2000)
	void signedTokenWithOddHeaderOrClaimsIsVerifiedOrDenied(@ForAll("craftedSignedTokens") String token) {
		Object outcome = outcome(token);
		Statistics.label("outcome").collect(outcome instanceof FailureCode ? outcome : "verified");
		if (outcome instanceof VerifiedToken verified) {
			assertThat(verified.subject()).isNotBlank();
			assertThat(verified.expiresAt()).isAfter(NOW);
		}
	}

	/** {@code bnVsbA} is {@code null}: nimbus throws a NullPointerException, which becomes a 500 at the gateway. */
	@Example
	void verifyWhenHeaderIsJsonNullThenTokenInvalid() {
		assertThat(outcome("bnVsbA.e30.AAAA")).isEqualTo(FailureCode.TOKEN_INVALID);
		assertThat(outcome(signed("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", "null"))).isEqualTo(FailureCode.TOKEN_INVALID);
	}

	/** An immutable list's {@code contains(null)} throws: a signed token with {@code "aud":[null]} is not denied. */
	@Example
	void verifyWhenAudienceListHoldsNullThenTokenInvalid() {
		String claims = "{\"iss\":\"" + TestJwts.ISSUER + "\",\"aud\":[null],\"sub\":\"u1\",\"exp\":"
				+ NOW.plusSeconds(600).getEpochSecond() + "}";
		assertThat(outcome(signed("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", claims))).isEqualTo(FailureCode.TOKEN_INVALID);
	}

	/** The verified token, or the failure code of the denial; any other exception fails the property. */
	private Object outcome(String token) {
		try {
			return this.verifier.verify(token).block(Duration.ofSeconds(5));
		}
		catch (AccessDeniedException ex) {
			assertThat(DENIALS).contains(ex.failureCode());
			return ex.failureCode();
		}
		catch (Throwable ex) {
			return fail("verify(" + token + ") failed with " + ex, ex);
		}
	}

	@Provide
	Arbitrary<String> anyTokens() {
		Arbitrary<String> latin1 = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300);
		Arbitrary<String> base64urlAndDots = Arbitraries.strings().withChars(BASE64URL + ".=+/").ofMaxLength(400);
		Arbitrary<String> noise = Arbitraries.strings().withChars(BASE64URL).ofMaxLength(120);
		Arbitrary<String> part = Arbitraries.frequencyOf(Tuple.of(3, noise),
				Tuple.of(2, json().map(JwtVerifierPropertyTests::b64)), Tuple.of(1, Arbitraries.just("")));
		Arbitrary<String> threeParts = part.list().ofMinSize(1).ofMaxSize(6).map((parts) -> String.join(".", parts));
		return Arbitraries.oneOf(latin1, base64urlAndDots, threeParts);
	}

	@Provide
	Arbitrary<Tuple.Tuple2<Integer, String>> mutatedTokens() {
		Arbitrary<Integer> seed = Arbitraries.integers().between(0, VALID.size() - 1);
		return Combinators.combine(seed, mutation().list().ofMinSize(1).ofMaxSize(3))
			.as((index, mutations) -> {
				String token = VALID.get(index);
				for (Mutation mutation : mutations) {
					token = mutation.apply(token);
				}
				return Tuple.of(index, token);
			});
	}

	@Provide
	Arbitrary<String> craftedSignedTokens() {
		Arbitrary<String> payload = Arbitraries.frequencyOf(Tuple.of(20, claims()),
				Tuple.of(1, Arbitraries.of("null", "[]", "5", "\"x\"", "{}", "{\"exp\":null}", "")));
		return Combinators.combine(header(), payload).as(JwtVerifierPropertyTests::signed);
	}

	/** {@code header} and {@code claims} as given, signed with the real Ed25519 key. */
	static String signed(String header, String claims) {
		String signingInput = b64(header) + "." + b64(claims);
		try {
			Base64URL signature = new Ed25519Signer(ED25519).sign(new JWSHeader(JWSAlgorithm.EdDSA),
					signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + signature;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** One change to a token string. */
	interface Mutation {

		String apply(String token);

	}

	static Arbitrary<Mutation> mutation() {
		Arbitrary<Integer> position = Arbitraries.integers().between(0, 10_000);
		Arbitrary<Character> character = Arbitraries.of((BASE64URL + ".=+/ \u00e9%").toCharArray());
		Arbitrary<Mutation> replace = Combinators.combine(position, character)
			.as((at, c) -> (token) -> token.isEmpty() ? token
					: token.substring(0, at % token.length()) + c + token.substring(at % token.length() + 1));
		Arbitrary<Mutation> delete = position.map((at) -> (token) -> token.isEmpty() ? token
				: token.substring(0, at % token.length()) + token.substring(at % token.length() + 1));
		Arbitrary<Mutation> insert = Combinators.combine(position, character)
			.as((at, c) -> (token) -> token.substring(0, at % (token.length() + 1)) + c
					+ token.substring(at % (token.length() + 1)));
		Arbitrary<Mutation> truncate = position.map((at) -> (token) -> token.substring(0, at % (token.length() + 1)));
		Arbitrary<Mutation> reorder = Arbitraries.of(List.<Mutation>of(
				(token) -> swap(token, 0, 1), (token) -> swap(token, 1, 2), (token) -> swap(token, 0, 2),
				(token) -> token + ".", (token) -> "." + token, (token) -> token + "==",
				(token) -> dropPart(token, 2), (token) -> dropPart(token, 1),
				(token) -> token + "." + token.split("\\.", -1)[0],
				(token) -> token.replace('-', '+').replace('_', '/'), (token) -> token.toUpperCase(),
				(token) -> withPart(token, 0, b64("{\"alg\":\"none\"}")),
				(token) -> withPart(token, 0, b64("{\"alg\":\"HS256\",\"kid\":\"k1\"}")),
				(token) -> withPart(token, 2, ""),
				(token) -> withPart(token, 1, b64("{\"sub\":\"u1\",\"orgRole\":\"owner\"}"))));
		Arbitrary<Mutation> replacePart = Combinators.combine(Arbitraries.integers().between(0, 2), json())
			.as((index, json) -> (token) -> withPart(token, index, b64(json)));
		return Arbitraries.frequencyOf(Tuple.of(4, replace), Tuple.of(2, delete), Tuple.of(2, insert),
				Tuple.of(1, truncate), Tuple.of(2, reorder), Tuple.of(2, replacePart));
	}

	/** Headers that parse, mostly naming the real Ed25519 key (the signature is made with it), with odd extras. */
	static Arbitrary<String> header() {
		Arbitrary<String> alg = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("\"EdDSA\"")),
				Tuple.of(1, Arbitraries.of("\"Ed25519\"", "\"RS256\"", "\"ES256\"", "\"none\"", "\"HS256\"", "\"\"",
						"\"EDDSA\"", "5", "null", "[]", "{}")));
		Arbitrary<String> kid = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("\"k1\"")),
				Tuple.of(1, Arbitraries.of("\"r1\"", "\"e1\"", "\"nope\"", "\"\"", "5", "null", "[\"k1\"]",
						"\"../../k1\"", "\"k1\\u0000\"")));
		Arbitrary<String> extra = Arbitraries.of("", ",\"typ\":\"JWT\"", ",\"crit\":[\"exp\"],\"exp\":1",
				",\"crit\":[]", ",\"b64\":false,\"crit\":[\"b64\"]", ",\"zip\":\"DEF\"", ",\"cty\":\"JWT\"",
				",\"jku\":\"http://127.0.0.1:1/jwks\"", ",\"x5u\":\"http://127.0.0.1:1/x5u\"", ",\"x5c\":[\"AAAA\"]",
				",\"jwk\":" + ED25519.toPublicJWK().toJSONString(), ",\"typ\":5", ",\"kid2\":\"k1\"");
		return Combinators.combine(alg, kid, extra).as((a, k, e) -> "{\"alg\":" + a + ",\"kid\":" + k + e + "}");
	}

	/** Claims of every type, right and wrong, around a mostly valid set. */
	static Arbitrary<String> claims() {
		long now = NOW.getEpochSecond();
		Arbitrary<String> iss = Arbitraries.of("\"" + TestJwts.ISSUER + "\"", "\"https://evil.test\"", "5", "null",
				"[\"" + TestJwts.ISSUER + "\"]");
		Arbitrary<String> aud = Arbitraries.of("\"" + TestJwts.AUDIENCE + "\"", "[\"" + TestJwts.AUDIENCE + "\"]",
				"[\"x\",\"" + TestJwts.AUDIENCE + "\"]", "[]", "5", "[5]", "null", "\"\"", "[null]");
		Arbitrary<String> exp = Arbitraries.of(Long.toString(now + 600), Long.toString(now - 600), "\"" + (now + 600) + "\"",
				"1e30", "-1", "0", "9223372036854775807", "1.5e9", "null", "true", "[]", Long.toString(now + 600) + ".5");
		Arbitrary<String> nbf = Arbitraries.of("", ",\"nbf\":" + now, ",\"nbf\":" + (now + 600), ",\"nbf\":\"x\"",
				",\"nbf\":1e30", ",\"iat\":\"x\"", ",\"iat\":" + (now - 60), ",\"iat\":-5");
		Arbitrary<String> sub = Arbitraries.of("\"u1\"", "\"\"", "\" \"", "5", "null", "[\"u1\"]", "{}", "\"u1:x\"");
		Arbitrary<String> custom = Arbitraries.of("", ",\"organizationId\":\"acme\",\"orgRole\":\"owner\"",
				",\"organizationId\":5", ",\"orgRole\":[\"staff\",5]", ",\"orgRole\":[]", ",\"role\":{\"a\":1}",
				",\"organizationId\":{\"id\":\"acme\"}", ",\"orgRole\":[\"staff\",\"viewer\"]", ",\"role\":null",
				",\"x\":" + "[".repeat(200) + "]".repeat(200));
		return Combinators.combine(iss, aud, exp, nbf, sub, custom)
			.as((i, a, e, n, s, c) -> "{\"iss\":" + i + ",\"aud\":" + a + ",\"exp\":" + e + n + ",\"sub\":" + s + c + "}");
	}

	/** Small JSON documents, valid and not. */
	static Arbitrary<String> json() {
		return Arbitraries.oneOf(header(), claims(),
				Arbitraries.of("", "{", "}", "[]", "null", "5", "\"x\"", "{\"alg\":", "{\"alg\":\"EdDSA\"", "{}",
						"{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"alg\":\"none\"}", "\u0000", "{\"a\":\"\\ud800\"}",
						"[".repeat(2000) + "]".repeat(2000), "{\"a\":" + "{\"a\":".repeat(500) + "1" + "}".repeat(501)));
	}


	static String b64(String text) {
		return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
	}

	static String swap(String token, int a, int b) {
		List<String> parts = new ArrayList<>(Arrays.asList(token.split("\\.", -1)));
		if (parts.size() <= Math.max(a, b)) {
			return token;
		}
		String first = parts.get(a);
		parts.set(a, parts.get(b));
		parts.set(b, first);
		return String.join(".", parts);
	}

	static String dropPart(String token, int index) {
		List<String> parts = new ArrayList<>(Arrays.asList(token.split("\\.", -1)));
		if (parts.size() <= index) {
			return token;
		}
		parts.remove(index);
		return String.join(".", parts);
	}

	static String withPart(String token, int index, String part) {
		List<String> parts = new ArrayList<>(Arrays.asList(token.split("\\.", -1)));
		if (parts.size() <= index) {
			return token;
		}
		parts.set(index, part);
		return String.join(".", parts);
	}

	private JwtVerifier verifier() {
		WebClient jwks = WebClient.builder()
			.exchangeFunction((request) -> Mono.just(ClientResponse.create(HttpStatus.OK)
				.header("Content-Type", "application/json")
				.body(JWKS)
				.build()))
			.build();
		JwksKeySource keys = new JwksKeySource(jwks, URI.create("http://jwks.test/jwks"), TestJwts.jwksGuard(),
				Duration.ofHours(1), Duration.ofSeconds(30), this.clock);
		return new JwtVerifier(keys, new VerifiedTokenCache(1000, Duration.ofMinutes(5), this.clock),
				Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.RS256, JWSAlgorithm.ES256), TestJwts.ISSUER,
				List.of(TestJwts.AUDIENCE), Duration.ofSeconds(30),
				new JwtVerifier.TokenClaims(ClaimPath.of("organizationId"), ClaimPath.of("orgRole"), ClaimPath.of("role")),
				this.clock);
	}

}
