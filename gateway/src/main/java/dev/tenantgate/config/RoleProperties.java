package dev.tenantgate.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The role lookup tiers ({@code tenantgate.roles.*}): in-process cache → Redis → PostgreSQL.
 *
 * @param local the in-process tier
 * @param redis the shared tier
 * @param database the authoritative tier
 * @param requireOrganizationClaim whether a tenant route needs the token's organization claim (401
 * {@code organization_claim_missing} without it; on a {@code cross-tenant} route a cross-tenant platform role needs
 * none); when {@code false}, a token without the claim is let into the organizations where the user is a member only
 * @param claimless the bound on the lookups a token without the organization claim can cause, when the claim is not
 * required
 */
@Validated
@ConfigurationProperties("tenantgate.roles")
public record RoleProperties(@DefaultValue @Valid Local local, @DefaultValue @Valid Redis redis,
		@DefaultValue("true") boolean requireOrganizationClaim, @DefaultValue @Valid Claimless claimless) {

	/**
	 * How many distinct organizations one user's tokens without the organization claim (with
	 * {@code require-organization-claim: false}, or a crossing platform role on a {@code cross-tenant} route) may
	 * have their membership looked up in, per window; past it, 429 {@code too_many_organizations}.
	 *
	 * @param maximumOrganizations distinct organizations per user and window
	 * @param window how long a user's count lasts from the first lookup it counts
	 * @param maximumUsers how many users are counted at once
	 */
	public record Claimless(@DefaultValue("10") @Min(1) int maximumOrganizations, @DefaultValue("1m") Duration window,
			@DefaultValue("100000") @Min(1) long maximumUsers) {
	}

	/**
	 * @param maximumSize the most entries kept per kind (memberships, users)
	 * @param ttl how long a membership or user is kept at most (each entry gets between 80 % and 100 % of it, so
	 * entries filled together do not expire together; one still in use is read again in the background after 75 % of
	 * its time); also how long change times are mirrored from Redis
	 * @param negativeTtl how long "not a member" is kept at most (also spread over 80–100 %)
	 */
	public record Local(@DefaultValue("100000") @Min(0) long maximumSize, @DefaultValue("10s") Duration ttl,
			@DefaultValue("5s") Duration negativeTtl) {
	}

	/**
	 * @param enabled whether Redis is the shared tier; without it each instance keeps only its in-process cache and
	 * change times (fine for one instance, e.g. {@code start-dev})
	 * @param membershipPrefix member-role keys are {@code <prefix><userId>:<orgId>}
	 * @param userPrefix platform-user keys are {@code <prefix><userId>}
	 * @param ttl how long a membership or user is kept
	 * @param negativeTtl how long "not a member" is kept
	 * @param changePrefix change-time keys are {@code <prefix>m:<userId>:<orgId>}, {@code <prefix>o:<orgId>},
	 * {@code <prefix>u:<userId>}
	 * @param changeRetention how long change times are kept: at least the longest token lifetime plus clock skew
	 * @param clockTolerance how far the clocks of two instances may differ; a cache fill is refused if a change was
	 * recorded up to this long before the read that produced it
	 */
	public record Redis(@DefaultValue("true") boolean enabled, @DefaultValue("perm:") String membershipPrefix, @DefaultValue("perm-user:") String userPrefix,
			@DefaultValue("5m") Duration ttl, @DefaultValue("30s") Duration negativeTtl,
			@DefaultValue("perm-chg:") String changePrefix,
			@DefaultValue("24h") Duration changeRetention, @DefaultValue("1s") Duration clockTolerance) {
	}

}
