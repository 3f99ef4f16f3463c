package dev.tenantgate.support;

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
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Real signing keys and tokens shaped like Better Auth's: header {@code {alg, kid}} (no {@code typ}), claims
 * {@code sub}, {@code iat}, {@code exp} (15 minutes), {@code iss} and {@code aud} set to the base URL, plus the
 * platform's {@code organizationId}, {@code orgRole} and {@code role} from {@code definePayload}.
 */
public final class TestTokens {

	public static final String ISSUER = "http://better-auth.test";

	public static final String AUDIENCE = "http://better-auth.test";

	private final OctetKeyPair ed25519;

	private final RSAKey rsa;

	private final ECKey ec;

	public TestTokens() {
		try {
			this.ed25519 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed-" + TestDatabase.newId()).generate();
			this.rsa = new RSAKeyGenerator(2048).keyID("rsa-" + TestDatabase.newId()).generate();
			this.ec = new ECKeyGenerator(Curve.P_256).keyID("ec-" + TestDatabase.newId()).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The public JWKS, as Better Auth's {@code /api/auth/jwks} serves it. */
	public String jwks() {
		return new JWKSet(List.<JWK>of(this.ed25519.toPublicJWK(), this.rsa.toPublicJWK(), this.ec.toPublicJWK()))
			.toString(true);
	}

	public OctetKeyPair ed25519() {
		return this.ed25519;
	}

	/** An EdDSA token for {@code userId} in {@code organizationId} with the member role {@code orgRole}. */
	public String token(String userId, String organizationId, String orgRole) {
		return ed25519((claims) -> claims.subject(userId).claim("organizationId", organizationId).claim("orgRole", orgRole));
	}

	/** An EdDSA token with the standard claims, customized by {@code claims}. */
	public String ed25519(Consumer<JWTClaimsSet.Builder> claims) {
		return sign(JWSAlgorithm.EdDSA, this.ed25519.getKeyID(), signer(this.ed25519), claims);
	}

	public String rs256(Consumer<JWTClaimsSet.Builder> claims) {
		return sign(JWSAlgorithm.RS256, this.rsa.getKeyID(), signer(this.rsa), claims);
	}

	public String es256(Consumer<JWTClaimsSet.Builder> claims) {
		return sign(JWSAlgorithm.ES256, this.ec.getKeyID(), signer(this.ec), claims);
	}

	/** Signs with {@code signer} but names {@code kid} in the header: for forged and rotated keys. */
	public static String sign(JWSAlgorithm algorithm, String kid, JWSSigner signer, Consumer<JWTClaimsSet.Builder> claims) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER)
			.audience(AUDIENCE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
		claims.accept(builder);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), builder.build());
		try {
			jwt.sign(signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	public static JWSSigner signer(JWK key) {
		try {
			if (key instanceof OctetKeyPair okp) {
				return new Ed25519Signer(okp);
			}
			if (key instanceof RSAKey rsaKey) {
				return new RSASSASigner(rsaKey);
			}
			return new ECDSASigner((ECKey) key);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
