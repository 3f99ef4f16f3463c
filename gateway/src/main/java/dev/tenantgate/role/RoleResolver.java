package dev.tenantgate.role;

import java.time.Clock;
import java.time.Instant;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.support.ScalarMono;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.TrustModel;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Resolves member roles and platform users: the token's claim while the {@link TrustModel} says it still counts,
 * else the in-process tier, which loads from Redis and PostgreSQL ({@link RoleCache}). Applies identity changes:
 * records them with the trust model, then drops the cached answers they affect, here and in Redis.
 */
public final class RoleResolver {

	private final RoleCache<MembershipKey, Membership> memberships;

	private final RoleCache<String, PlatformUser> users;

	private final SharedRoleStore shared;

	private final TrustModel trust;

	public RoleResolver(TrustModel trust, SharedRoleStore shared, BetterAuthRepository database,
			DependencyGuard sharedGuard, DependencyGuard databaseGuard, Clock clock, CacheSettings settings) {
		this.trust = trust;
		this.shared = shared;
		this.memberships = new RoleCache<>(new RoleKind<>("membership", MembershipKey::change,
				MembershipKey::organizationChange, shared::membership, shared::putMembership, database::membership,
				Membership::isMember, ResolutionTrace::membership), trust, sharedGuard, databaseGuard, clock, settings);
		this.users = new RoleCache<>(new RoleKind<>("platform user", ChangeKey.User::new, (userId) -> null,
				shared::user, shared::putUser, database::user, PlatformUser::exists, ResolutionTrace::user), trust,
				sharedGuard, databaseGuard, clock, settings);
	}

	/**
	 * The user's member roles in the organization ({@link Membership#NONE} when not a member). An answer from memory
	 * (a claim that counts, the in-process tier) is returned as {@code Mono.just}.
	 * @param claimed the roles the token claims for this organization, or {@code null}
	 * @param issuedAt the token's {@code iat}; a claim without it does not count
	 * @param trace where the answer came from is recorded here
	 */
	public Mono<Membership> membership(MembershipKey key, @Nullable Membership claimed, @Nullable Instant issuedAt,
			ResolutionTrace trace) {
		if (claimed == null) {
			return this.memberships.get(key, trace);
		}
		return ScalarMono.flatMap(this.trust.claimCounts(issuedAt, key.change(), key.organizationChange()),
				(counts) -> {
					if (!counts) {
						return this.memberships.get(key, trace);
					}
					trace.membership("claim");
					return Mono.just(claimed);
				});
	}

	/**
	 * The user's platform record and their member roles in the organization, for a request on the token's own
	 * organization whose rule needs member roles: both lookups start at once, so a cold request waits for the slower
	 * of the two, not for one after the other.
	 * @return the user's lookup, and the membership's, already under way; the membership's is {@code null} when the
	 * user is held in-process: it is then looked up only if the decision comes to need it
	 */
	public UserAndMembershipLookups userAndMembership(MembershipKey key, @Nullable Membership claimed,
			@Nullable Instant issuedAt, ResolutionTrace trace) {
		Mono<PlatformUser> user = this.users.get(key.userId(), trace);
		if (ScalarMono.isScalar(user)) {
			return new UserAndMembershipLookups(user, null);
		}
		return new UserAndMembershipLookups(user, underWay(membership(key, claimed, issuedAt, trace)));
	}

	/** A lookup subscribed now; an answer from memory stays as it is. */
	private static <T> Mono<T> underWay(Mono<T> lookup) {
		return ScalarMono.isScalar(lookup) ? lookup : Mono.fromFuture(lookup.toFuture(), true);
	}

	/**
	 * The two lookups of {@link #userAndMembership}.
	 *
	 * @param user the platform user's
	 * @param membership the membership's, already under way, or {@code null} when it is looked up only if needed
	 */
	public record UserAndMembershipLookups(Mono<PlatformUser> user, @Nullable Mono<Membership> membership) {
	}

	/**
	 * The user's platform roles and ban state ({@link PlatformUser#UNKNOWN} when the user does not exist); from the
	 * in-process tier as {@code Mono.just}.
	 */
	public Mono<PlatformUser> user(String userId, ResolutionTrace trace) {
		return this.users.get(userId, trace);
	}

	/** Whether the user's platform role claim from a token issued at {@code issuedAt} no longer counts. */
	public Mono<Boolean> userChangedSince(String userId, @Nullable Instant issuedAt) {
		return ScalarMono.map(this.trust.claimCounts(issuedAt, new ChangeKey.User(userId), null), (counts) -> !counts);
	}

	/**
	 * Records a change to the membership and drops its cached answers: in-process when this is called (after the
	 * change is recorded in-process, so a concurrent lookup cannot take an old entry for a new one), in Redis on
	 * subscription, after the change time is recorded there.
	 */
	public Mono<Void> membershipChanged(MembershipKey key, long changedAt) {
		Mono<Long> recorded = this.trust.changed(key.change(), changedAt);
		this.memberships.invalidate(key);
		return recorded.then(this.shared.evictMembership(key)).then();
	}

	/** Records an organization's deletion and drops every cached membership of it. */
	public Mono<Void> organizationChanged(String organizationId, long changedAt) {
		Mono<Long> recorded = this.trust.changed(new ChangeKey.Organization(organizationId), changedAt);
		this.memberships.invalidateIf((key) -> key.organizationId().equals(organizationId));
		return recorded.then(this.shared.evictOrganization(organizationId)).then();
	}

	/** Records a change to the user's platform role or ban and drops its cached answers. */
	public Mono<Void> userChanged(String userId, long changedAt) {
		Mono<Long> recorded = this.trust.changed(new ChangeKey.User(userId), changedAt);
		this.users.invalidate(userId);
		return recorded.then(this.shared.evictUser(userId)).then();
	}

	/**
	 * Changes before {@code since} may never have reached this instance and could not be replayed: every answer held
	 * in-process is dropped, and the trust model stops trusting what was read or issued before {@code since}. Each
	 * key is then read again once, by the first request that needs it, however many wait for it.
	 */
	public void gapNotReplayed(long since) {
		this.trust.gapNotReplayed(since);
		this.memberships.invalidateAll();
		this.users.invalidateAll();
	}

	public TrustModel trust() {
		return this.trust;
	}

	/** The membership held in-process, or {@code null}. */
	public @Nullable Membership heldMembership(MembershipKey key) {
		return this.memberships.held(key);
	}

	/** The user held in-process, or {@code null}. */
	public @Nullable PlatformUser heldUser(String userId) {
		return this.users.held(userId);
	}

	/** How many memberships are held in-process. */
	public long heldMemberships() {
		return this.memberships.size();
	}

	/**
	 * Counts answers per tier ({@code tenantgate.role.lookups}), reads of the Redis and PostgreSQL tiers with their
	 * latency ({@code tenantgate.role.lookup.duration}) and background refreshes, per kind ({@code membership},
	 * {@code user}).
	 */
	public void setMeterRegistry(MeterRegistry registry) {
		this.memberships.observe(new TierMetrics(registry, "membership"));
		this.users.observe(new TierMetrics(registry, "user"));
	}

}
