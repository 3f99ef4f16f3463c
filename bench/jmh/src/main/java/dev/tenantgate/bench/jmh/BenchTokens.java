package dev.tenantgate.bench.jmh;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

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
import com.sun.net.httpserver.HttpServer;

/**
 * An Ed25519 key, its JWKS served on a loopback port, and tokens shaped like Better Auth's (as
 * {@code bench/tools/mint.mjs} mints them).
 */
final class BenchTokens implements AutoCloseable {

	static final String ISSUER = "http://better-auth.bench";

	private final OctetKeyPair key;

	private final HttpServer server;

	BenchTokens() {
		try {
			this.key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("bench-ed25519").generate();
			byte[] jwks = new JWKSet(this.key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			this.server.createContext("/jwks", (exchange) -> {
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, jwks.length);
				try (OutputStream body = exchange.getResponseBody()) {
					body.write(jwks);
				}
			});
			this.server.start();
		}
		catch (JOSEException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String jwksUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks";
	}

	/** An EdDSA token for the user in the organization, with the member role claim unless {@code orgRole} is null. */
	String eddsa(String userId, String organizationId, String orgRole) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.audience(ISSUER)
			.subject(userId)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(3600)))
			.claim("id", userId)
			.claim("email", userId + "@bench.test")
			.claim("name", "User " + userId.substring(0, 8))
			.claim("role", "user")
			.claim("organizationId", organizationId);
		if (orgRole != null) {
			claims.claim("orgRole", orgRole);
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

	/** A 32-character id like Better Auth's (and bench/tools/ids.mjs's). */
	static String id(String kind, int i) {
		try {
			byte[] digest = MessageDigest.getInstance("MD5").digest((kind + ":" + i).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
