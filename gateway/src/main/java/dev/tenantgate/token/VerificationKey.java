package dev.tenantgate.token;

import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import org.jspecify.annotations.Nullable;

/**
 * One public key from the JWKS with its ready-made verifier and the algorithms it may verify.
 * <p>
 * Keys are selected by {@code kid} and matched to the token's {@code alg} here, not through nimbus's
 * {@code JWSVerificationKeySelector}: that selector converts JWKs to {@code java.security.Key}, which Better Auth's
 * Ed25519 (OKP) keys do not survive.
 *
 * @param kid the key id
 * @param algorithms the algorithms this key verifies (its {@code alg}, if it names one)
 * @param verifier the verifier, built once when the key set is loaded
 */
record VerificationKey(String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {

	/**
	 * @return the key, or {@code null} when the JWK is not a public signing key of a supported type
	 */
	static @Nullable VerificationKey from(JWK jwk) throws JOSEException {
		if (jwk.getKeyID() == null || jwk.isPrivate() || (jwk.getKeyUse() != null && jwk.getKeyUse() != KeyUse.SIGNATURE)) {
			return null;
		}
		Set<JWSAlgorithm> algorithms;
		JWSVerifier verifier;
		if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
			algorithms = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
			verifier = new Ed25519SignatureVerifier(okp);
		}
		else if (jwk instanceof RSAKey rsa) {
			algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
					JWSAlgorithm.PS384, JWSAlgorithm.PS512);
			verifier = new RSASSAVerifier(rsa);
		}
		else if (jwk instanceof ECKey ec && ec.getCurve() != null) {
			algorithms = ecAlgorithm(ec.getCurve());
			if (algorithms.isEmpty()) {
				return null;
			}
			verifier = new ECDSAVerifier(ec);
		}
		else {
			return null;
		}
		if (jwk.getAlgorithm() != null) {
			JWSAlgorithm declared = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
			algorithms = algorithms.contains(declared) ? Set.of(declared) : Set.of();
		}
		return new VerificationKey(jwk.getKeyID(), algorithms, verifier);
	}

	private static Set<JWSAlgorithm> ecAlgorithm(Curve curve) {
		if (Curve.P_256.equals(curve)) {
			return Set.of(JWSAlgorithm.ES256);
		}
		if (Curve.P_384.equals(curve)) {
			return Set.of(JWSAlgorithm.ES384);
		}
		if (Curve.P_521.equals(curve)) {
			return Set.of(JWSAlgorithm.ES512);
		}
		return Set.of();
	}

}
