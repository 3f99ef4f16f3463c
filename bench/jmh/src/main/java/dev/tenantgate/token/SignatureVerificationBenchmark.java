package dev.tenantgate.token;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One signature verification, what every token the gateway has not seen before costs: Ed25519 with the gateway's
 * {@link Ed25519SignatureVerifier} (Bouncy Castle, the key decoded once) and with nimbus's {@code Ed25519Verifier}
 * (Tink), which it replaced, and RS256 (2048-bit) with nimbus's {@code RSASSAVerifier}. The signing input has the size
 * of a Better Auth token's header and payload (≈ 550 characters). In the gateway's package, since the verifier is
 * not public.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SignatureVerificationBenchmark {

	private final byte[] signingInput = ("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0." + "x".repeat(512))
		.getBytes(StandardCharsets.US_ASCII);

	private final JWSHeader eddsaHeader = new JWSHeader(JWSAlgorithm.EdDSA);

	private final JWSHeader rs256Header = new JWSHeader(JWSAlgorithm.RS256);

	private JWSVerifier gateway;

	private JWSVerifier tink;

	private JWSVerifier rsa;

	private Base64URL eddsaSignature;

	private Base64URL rs256Signature;

	@Setup
	public void setUp() throws JOSEException {
		OctetKeyPair ed25519 = new OctetKeyPairGenerator(Curve.Ed25519).keyID("k1").generate();
		RSAKey rsaKey = new RSAKeyGenerator(2048).keyID("r1").generate();
		this.eddsaSignature = new Ed25519Signer(ed25519).sign(this.eddsaHeader, this.signingInput);
		this.rs256Signature = new RSASSASigner(rsaKey).sign(this.rs256Header, this.signingInput);
		this.gateway = new Ed25519SignatureVerifier(ed25519.toPublicJWK());
		this.tink = new Ed25519Verifier(ed25519.toPublicJWK());
		this.rsa = new RSASSAVerifier(rsaKey.toPublicJWK());
		if (!eddsaGateway() || !eddsaTink() || !rs256()) {
			throw new IllegalStateException("a verifier refused a valid signature");
		}
	}

	@Benchmark
	public boolean eddsaGateway() throws JOSEException {
		return this.gateway.verify(this.eddsaHeader, this.signingInput, this.eddsaSignature);
	}

	@Benchmark
	public boolean eddsaTink() throws JOSEException {
		return this.tink.verify(this.eddsaHeader, this.signingInput, this.eddsaSignature);
	}

	@Benchmark
	public boolean rs256() throws JOSEException {
		return this.rsa.verify(this.rs256Header, this.signingInput, this.rs256Signature);
	}

}
