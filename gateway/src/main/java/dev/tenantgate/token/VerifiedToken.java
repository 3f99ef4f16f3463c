package dev.tenantgate.token;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a verified Better Auth JWT says, reduced to what authorization needs. The claim values are read once, at
 * verification, so the request path never re-parses JSON.
 *
 * @param subject the user id ({@code sub})
 * @param organizationId the organization the token was issued for, if the deployment adds that claim
 * @param orgRole the member role in that organization when the token was issued (a hint, never the last word)
 * @param platformRole the admin plugin's platform role when the token was issued
 * @param issuedAt {@code iat}, if present
 * @param expiresAt {@code exp}
 */
public record VerifiedToken(String subject, @Nullable String organizationId, @Nullable String orgRole,
		@Nullable String platformRole, @Nullable Instant issuedAt, Instant expiresAt) {

}
