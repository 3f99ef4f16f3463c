package dev.tenantgate.token;

import java.time.Duration;
import java.time.Instant;

import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.support.TestGuards;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Keys, tokens shaped like Better Auth's, a JWKS served by WireMock, and a clock the test moves by hand.
 */
final class TestJwts {

	static final String ISSUER = "https://auth.example.test";

	static final String AUDIENCE = "https://app.example.test";

	static final String JWKS_PATH = "/api/auth/jwks";

	private TestJwts() {
	}

	static OctetKeyPair ed25519(String kid) {
		try {
			return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Signs the standard claims (issued now, 15 minutes to live), customized by {@code claims}. */
	static String sign(JWK key, JWSAlgorithm algorithm, String kid, Instant now, Consumer<JWTClaimsSet.Builder> claims) {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER)
			.audience(AUDIENCE)
			.subject("u1")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
		claims.accept(builder);
		return sign(signer(key), new JWSHeader.Builder(algorithm).keyID(kid).build(), builder.build());
	}

	static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
		SignedJWT jwt = new SignedJWT(header, claims);
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	static JWSSigner signer(JWK key) {
		try {
			if (key instanceof OctetKeyPair okp) {
				return new Ed25519Signer(okp);
			}
			if (key instanceof RSAKey rsa) {
				return new RSASSASigner(rsa);
			}
			return new ECDSASigner((ECKey) key);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void serveJwks(WireMockServer server, JWK... keys) {
		List<JWK> publicKeys = java.util.Arrays.stream(keys).map(JWK::toPublicJWK).toList();
		server.stubFor(get(JWKS_PATH).willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody(new JWKSet(publicKeys).toString(true))));
	}

	static void serveJwksError(WireMockServer server, int status) {
		server.stubFor(get(JWKS_PATH).willReturn(aResponse().withStatus(status)));
	}

	static int jwksRequests(WireMockServer server) {
		return server.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build()).getCount();
	}

	static DependencyGuard jwksGuard() {
		return TestGuards.permissive("jwks", Duration.ofSeconds(5));
	}

}
