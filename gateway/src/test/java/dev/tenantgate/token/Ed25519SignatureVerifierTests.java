package dev.tenantgate.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Ed25519SignatureVerifier} gives the verdict nimbus's own (Tink-based) {@code Ed25519Verifier} gives, for
 * signatures made with the key, by other keys, with any byte of the message or signature changed, and for the
 * malleable and malformed signatures an attacker would try.
 */
class Ed25519SignatureVerifierTests {

	static final OctetKeyPair KEY = TestJwts.ed25519("k1");

	static final OctetKeyPair OTHER_KEY = TestJwts.ed25519("k2");

	// The order of the Ed25519 group (RFC 8032, section 5.1).
	static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

	final Ed25519SignatureVerifier verifier = verifier(KEY);

	final Ed25519Verifier nimbus = nimbus(KEY);

	@Example
	void acceptsASignatureByTheKeyUnderEitherAlgorithmName() throws JOSEException {
		for (JWSAlgorithm algorithm : List.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519)) {
			JWSHeader header = new JWSHeader(algorithm);
			byte[] input = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1MSJ9".getBytes(StandardCharsets.US_ASCII);
			assertThat(this.verifier.verify(header, input, sign(KEY, header, input))).isTrue();
		}
	}

	@Example
	void refusesASignatureByAnotherKey() throws JOSEException {
		JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
		byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
		Base64URL signature = sign(OTHER_KEY, header, input);
		assertThat(this.verifier.verify(header, input, signature)).isFalse();
		assertThat(this.nimbus.verify(header, input, signature)).isFalse();
	}

	/** S + L verifies the same equation as S; RFC 8032 requires S < L, or every signature has a twin. */
	@Example
	void refusesTheMalleableTwinOfAValidSignature() throws JOSEException {
		JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
		byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
		byte[] signature = sign(KEY, header, input).decode();
		byte[] twin = signature.clone();
		byte[] s = littleEndian(new BigInteger(1, reversed(Arrays.copyOfRange(signature, 32, 64))).add(L));
		System.arraycopy(s, 0, twin, 32, 32);
		assertThat(this.verifier.verify(header, input, Base64URL.encode(signature))).isTrue();
		assertThat(this.verifier.verify(header, input, Base64URL.encode(twin))).isFalse();
		assertThat(this.nimbus.verify(header, input, Base64URL.encode(twin))).isFalse();
	}

	@Example
	void refusesSignaturesOfAnyOtherLengthWithoutThrowing() throws JOSEException {
		JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
		byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
		byte[] signature = sign(KEY, header, input).decode();
		for (int length : new int[] { 0, 1, 32, 63, 65, 128 }) {
			byte[] resized = Arrays.copyOf(signature, length);
			assertThat(this.verifier.verify(header, input, Base64URL.encode(resized))).as("length %d", length).isFalse();
		}
	}

	@Example
	void refusesAHeaderWithCriticalParametersItDoesNotProcess() throws JOSEException {
		JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).customParam("exp-policy", "strict")
			.criticalParams(java.util.Set.of("exp-policy"))
			.build();
		byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
		Base64URL signature = sign(KEY, header, input);
		assertThat(this.verifier.verify(header, input, signature)).isFalse();
		assertThat(this.nimbus.verify(header, input, signature)).isFalse();
	}

	@Example
	void refusesOtherAlgorithms() {
		JWSHeader header = new JWSHeader(JWSAlgorithm.RS256);
		byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
		assertThatExceptionOfType(JOSEException.class)
			.isThrownBy(() -> this.verifier.verify(header, input, Base64URL.encode(new byte[64])));
	}

	@Example
	void takesOnlyAValidEd25519PublicKey() throws JOSEException {
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Ed25519SignatureVerifier(KEY))
			.withMessageContaining("public key only");
		OctetKeyPair x25519 = new OctetKeyPairGenerator(Curve.X25519).generate().toPublicJWK();
		assertThatExceptionOfType(JOSEException.class).isThrownBy(() -> new Ed25519SignatureVerifier(x25519));
		// The neutral element (y = 1) is a point of small order: any message "verifies" against it with S = 0.
		byte[] neutral = new byte[32];
		neutral[0] = 1;
		assertThatExceptionOfType(JOSEException.class)
			.isThrownBy(() -> new Ed25519SignatureVerifier(publicKey(Base64URL.encode(neutral))));
		assertThatExceptionOfType(JOSEException.class)
			.isThrownBy(() -> new Ed25519SignatureVerifier(publicKey(Base64URL.encode(new byte[31]))));
	}

	/** One byte of the message or the signature changed (or none): both verifiers say the same. */
	@Property(tries = 400)
	void agreesWithNimbusOnEveryMutation(@ForAll("messages") byte[] message, @ForAll boolean inSignature,
			@ForAll @IntRange(min = 0, max = 1023) int position, @ForAll byte flip) throws JOSEException {
		JWSHeader header = new JWSHeader(JWSAlgorithm.EdDSA);
		byte[] signature = sign(KEY, header, message).decode();
		byte[] target = inSignature ? signature : message;
		if (target.length > 0) {
			target[position % target.length] ^= flip;
		}
		boolean ours = this.verifier.verify(header, message, Base64URL.encode(signature));
		assertThat(ours).isEqualTo(this.nimbus.verify(header, message, Base64URL.encode(signature)));
		assertThat(ours).isEqualTo(flip == 0 || target.length == 0);
		Statistics.label("verdict").collect(ours);
	}

	@Provide
	Arbitrary<byte[]> messages() {
		return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
	}

	private static Base64URL sign(OctetKeyPair key, JWSHeader header, byte[] input) throws JOSEException {
		return new Ed25519Signer(key).sign(header, input);
	}

	private static OctetKeyPair publicKey(Base64URL x) {
		return new OctetKeyPair.Builder(Curve.Ed25519, x).build();
	}

	private static Ed25519SignatureVerifier verifier(OctetKeyPair key) {
		try {
			return new Ed25519SignatureVerifier(key.toPublicJWK());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Ed25519Verifier nimbus(OctetKeyPair key) {
		try {
			return new Ed25519Verifier(key.toPublicJWK());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] reversed(byte[] bytes) {
		byte[] out = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			out[i] = bytes[bytes.length - 1 - i];
		}
		return out;
	}

	private static byte[] littleEndian(BigInteger value) {
		byte[] big = value.toByteArray();
		byte[] out = new byte[32];
		for (int i = 0; i < out.length && i < big.length; i++) {
			out[i] = big[big.length - 1 - i];
		}
		return out;
	}

}
