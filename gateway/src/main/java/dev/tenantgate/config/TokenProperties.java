package dev.tenantgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How Better Auth's JWTs are verified ({@code tenantgate.token.*}).
 *
 * @param jwksUri Better Auth's JWKS endpoint, e.g. {@code https://auth.example.com/api/auth/jwks}
 * @param issuer the expected {@code iss}: Better Auth's base URL unless its jwt plugin sets another
 * @param audiences accepted {@code aud} values; a token must name at least one
 * @param algorithms accepted signing algorithms, an allowlist: {@code EdDSA} (Better Auth's default), {@code ES256},
 * {@code ES512}, {@code PS256}, {@code RS256}; {@code none} and HMAC are never accepted
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param maxLength the longest token accepted, in characters
 * @param cacheSize how many verified tokens are kept (each until its {@code exp})
 * @param cacheMaxAge the longest a verified token is kept, whatever its {@code exp}
 * @param jwks JWKS fetching
 * @param claims where the authorization claims are in the token
 */
@Validated
@ConfigurationProperties("tenantgate.token")
public record TokenProperties(@NotNull URI jwksUri, @NotBlank String issuer, @NotEmpty List<String> audiences,
		@DefaultValue("EdDSA") @NotEmpty List<String> algorithms, @DefaultValue("30s") Duration clockSkew,
		@DefaultValue("8192") @Min(256) @Max(65536) int maxLength, @DefaultValue("100000") @Min(0) long cacheSize,
		@DefaultValue("15m") Duration cacheMaxAge, @DefaultValue @Valid Jwks jwks, @DefaultValue @Valid Claims claims) {

	/** The algorithms that may be allowed; everything else is refused at start-up. */
	static final Set<String> SUPPORTED_ALGORITHMS = Set.of("EdDSA", "Ed25519", "ES256", "ES384", "ES512", "RS256",
			"RS384", "RS512", "PS256", "PS384", "PS512");

	public TokenProperties {
		for (String algorithm : algorithms) {
			if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
				throw new IllegalArgumentException("tenantgate.token.algorithms may only contain "
						+ SUPPORTED_ALGORITHMS.stream().sorted().toList() + ", but contained '" + algorithm + "'");
			}
		}
		if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException("tenantgate.token.clock-skew must be between 0 and 5m, but was " + clockSkew);
		}
	}

	/**
	 * JWKS fetching.
	 *
	 * @param refreshInterval keys older than this are refreshed in the background
	 * @param minRefetchInterval the least time between two fetches, however many unknown {@code kid}s arrive
	 */
	public record Jwks(@DefaultValue("5m") Duration refreshInterval,
			@DefaultValue("10s") Duration minRefetchInterval) {
	}

	/**
	 * Claim names, as paths ({@code organizationId}, or {@code o.id} for a nested claim).
	 *
	 * @param organizationId the active organization, checked against the path's tenant
	 * @param orgRole the member role in that organization
	 * @param platformRole the admin plugin's platform role
	 */
	public record Claims(@DefaultValue("organizationId") String organizationId, @DefaultValue("orgRole") String orgRole,
			@DefaultValue("role") String platformRole) {
	}

}
