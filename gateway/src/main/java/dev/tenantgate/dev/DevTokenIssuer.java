package dev.tenantgate.dev;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * For {@code start-dev} only: signs tokens shaped like Better Auth's (EdDSA, {@code kid}, {@code sub},
 * {@code organizationId}, {@code orgRole}, {@code role}) with a key generated at start-up, and publishes its JWKS.
 * Never enabled outside {@code start-dev}.
 */
public final class DevTokenIssuer {

	private final OctetKeyPair key;

	private final String issuer;

	private final Clock clock;

	public DevTokenIssuer(String issuer, Clock clock) {
		try {
			this.key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("dev-" + Long.toHexString(clock.millis()))
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		this.issuer = issuer;
		this.clock = clock;
	}

	public Map<String, Object> jwks() {
		return new JWKSet(List.of(this.key.toPublicJWK())).toJSONObject(true);
	}

	/** A 15-minute token for {@code userId}, with the organization claims when {@code organizationId} is given. */
	public String token(String userId, @Nullable String organizationId, @Nullable String orgRole,
			@Nullable String platformRole) {
		Date now = Date.from(this.clock.instant());
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(userId)
			.issuer(this.issuer)
			.audience(this.issuer)
			.issueTime(now)
			.expirationTime(Date.from(this.clock.instant().plus(Duration.ofMinutes(15))));
		if (organizationId != null) {
			claims.claim("organizationId", organizationId);
		}
		if (orgRole != null) {
			claims.claim("orgRole", orgRole);
		}
		if (platformRole != null) {
			claims.claim("role", platformRole);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(this.key.getKeyID()).build(),
				claims.build());
		try {
			jwt.sign(new Ed25519Signer(this.key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
