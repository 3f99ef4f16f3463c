package dev.tenantgate.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * Verifies a Better Auth JWT: the algorithm against an allowlist, the signature with the JWKS key named by
 * {@code kid}, then {@code exp}, {@code nbf}, {@code iss}, {@code aud} and {@code sub}. Results are cached until the
 * token expires. Failures are {@code token_invalid}/{@code token_expired} (the token is bad) or
 * {@code keys_unavailable} (it could not be checked).
 */
public final class JwtVerifier {

	private static final Log logger = LogFactory.getLog(JwtVerifier.class);

	private final JwksKeySource keys;

	private final VerifiedTokenCache cache;

	private final Set<JWSAlgorithm> algorithms;

	private final String issuer;

	private final List<String> audiences;

	private final Duration clockSkew;

	private final TokenClaims claims;

	private final Clock clock;

	public JwtVerifier(JwksKeySource keys, VerifiedTokenCache cache, Set<JWSAlgorithm> algorithms, String issuer,
			List<String> audiences, Duration clockSkew, TokenClaims claims, Clock clock) {
		this.keys = keys;
		this.cache = cache;
		this.algorithms = Set.copyOf(algorithms);
		this.issuer = issuer;
		this.audiences = List.copyOf(audiences);
		this.clockSkew = clockSkew;
		this.claims = claims;
		this.clock = clock;
	}

	public Mono<VerifiedToken> verify(String token) {
		VerifiedToken cached = this.cache.get(token);
		if (cached != null) {
			return Mono.just(cached);
		}
		return Mono.defer(() -> {
			SignedJWT jwt = parse(token);
			JWSHeader header = jwt.getHeader();
			if (!this.algorithms.contains(header.getAlgorithm())) {
				return Mono.error(invalid("The token's signing algorithm is not accepted."));
			}
			if (header.getKeyID() == null) {
				return Mono.error(invalid("The token has no key id."));
			}
			if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
				return Mono.error(invalid("The token has critical header parameters."));
			}
			return this.keys.key(header.getKeyID())
				.switchIfEmpty(Mono.error(() -> invalid("The token's signing key is unknown.")))
				.map((key) -> verified(token, jwt, key));
		}).onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
			// A last line: whatever a crafted token makes a library throw is a bad token, never a 500.
			logger.debug("Unexpected failure verifying a token: " + ex);
			return invalid("The token could not be parsed.");
		});
	}

	private VerifiedToken verified(String token, SignedJWT jwt, VerificationKey key) {
		if (!key.algorithms().contains(jwt.getHeader().getAlgorithm())) {
			throw invalid("The token's algorithm does not match its key.");
		}
		try {
			if (!jwt.verify(key.verifier())) {
				throw invalid("The token's signature is invalid.");
			}
		}
		catch (JOSEException ex) {
			throw invalid("The token's signature could not be verified.");
		}
		VerifiedToken verified = validate(claims(jwt));
		this.cache.put(token, verified);
		return verified;
	}

	private VerifiedToken validate(JWTClaimsSet claimsSet) {
		Instant now = this.clock.instant();
		Date exp = claimsSet.getExpirationTime();
		if (exp == null) {
			throw invalid("The token has no expiry.");
		}
		if (!now.isBefore(exp.toInstant().plus(this.clockSkew))) {
			throw new AccessDeniedException(FailureCode.TOKEN_EXPIRED);
		}
		Date nbf = claimsSet.getNotBeforeTime();
		if (nbf != null && now.isBefore(nbf.toInstant().minus(this.clockSkew))) {
			throw invalid("The token is not valid yet.");
		}
		if (!this.issuer.equals(claimsSet.getIssuer())) {
			throw invalid("The token was issued by another issuer.");
		}
		List<String> tokenAudiences = claimsSet.getAudience();
		if (tokenAudiences.stream().noneMatch((audience) -> audience != null && this.audiences.contains(audience))) {
			throw invalid("The token is meant for another audience.");
		}
		String subject = claimsSet.getSubject();
		if (subject == null || subject.isBlank()) {
			throw invalid("The token has no subject.");
		}
		Map<String, Object> all = claimsSet.getClaims();
		Date iat = claimsSet.getIssueTime();
		return new VerifiedToken(subject, this.claims.organizationId().read(all), this.claims.orgRole().read(all),
				this.claims.platformRole().read(all), (iat != null) ? iat.toInstant() : null,
				exp.toInstant().plus(this.clockSkew));
	}

	private static SignedJWT parse(String token) {
		try {
			return SignedJWT.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			// Nimbus throws unchecked exceptions on some malformed inputs (a header of JSON null): all are 401.
			throw invalid("The token is not a signed JWT.");
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException | RuntimeException ex) {
			throw invalid("The token's claims are malformed.");
		}
	}

	private static AccessDeniedException invalid(String detail) {
		return new AccessDeniedException(FailureCode.TOKEN_INVALID, detail);
	}

	/**
	 * Where the authorization claims live in the token.
	 * @param organizationId the active organization id, e.g. {@code organizationId} or {@code o.id}
	 * @param orgRole the member role, e.g. {@code orgRole} or {@code o.role}
	 * @param platformRole the admin plugin role, e.g. {@code role}
	 */
	public record TokenClaims(ClaimPath organizationId, ClaimPath orgRole, ClaimPath platformRole) {
	}

}
