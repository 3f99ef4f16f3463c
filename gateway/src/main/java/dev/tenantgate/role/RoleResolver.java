package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.local.LocalEntry;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.support.ScalarMono;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Resolves member roles and platform users: the token's claim when it is still trustworthy, then the three tiers
 * (in-process cache → Redis → PostgreSQL). A claim is a snapshot taken when the token was issued; once a change has
 * been recorded after the token's {@code iat}, the claim no longer counts and the tiers answer instead. For a token
 * issued while this instance was listening to the change events, the changes it heard itself answer that
 * ({@link HeardChanges}); for an older one, the change times shared in Redis do.
 */
public final class RoleResolver {

	private static final Log logger = LogFactory.getLog(RoleResolver.class);

	// Role changes are rare: this many distinct changed keys between two gaps is far more than a day of them.
	private static final int HEARD_CHANGES_MAXIMUM = 100_000;

	private static final Mono<Boolean> CHANGED = Mono.just(true);

	private static final Mono<Boolean> UNCHANGED = Mono.just(false);

	private final TieredLookup<MembershipKey, Membership> memberships;

	private final TieredLookup<String, PlatformUser> users;

	private final UserWithMembershipLookup together;

	private final LocalRoleCache local;

	private final SharedRoleStore redis;

	private final ChangeTimes changes;

	private final RedisKeys keys;

	private final DependencyGuard redisGuard;

	private final Clock clock;

	// Without a change feed (NATS disabled) claims are trusted, as configured; the subscriber narrows this.
	private final AtomicLong claimsTrustedFrom = new AtomicLong();

	private volatile long fillQuietPeriodMillis = 1000;

	private final HeardChanges heard = new HeardChanges(HEARD_CHANGES_MAXIMUM, this.fillQuietPeriodMillis);

	public RoleResolver(LocalRoleCache local, SharedRoleStore redis, ChangeTimes changes, RedisKeys keys,
			BetterAuthRepository database, DependencyGuard redisGuard, DependencyGuard databaseGuard, Clock clock) {
		this.local = local;
		this.redis = redis;
		this.changes = changes;
		this.keys = keys;
		this.redisGuard = redisGuard;
		this.clock = clock;
		this.memberships = new TieredLookup<>("membership", ResolutionTrace::membership, new TieredLookup.LocalTier<>() {

			public LocalEntry<Membership> get(MembershipKey key) {
				return local.membershipEntry(key);
			}

			public boolean claimRefresh(LocalEntry<Membership> entry) {
				return local.claimRefresh(entry);
			}

			public long generation() {
				return local.generation();
			}

			public void put(MembershipKey key, Membership value, long generation, long readStartedAt) {
				if (!changedJustBefore(readStartedAt, keys.membershipChange(key),
						keys.organizationChange(key.organizationId()))) {
					local.putMembership(key, value, generation);
				}
			}

		}, new TieredLookup.SharedTier<>() {

			public Mono<Membership> get(MembershipKey key) {
				Long changedAt = knownLatestChange(keys.membershipChange(key),
						keys.organizationChange(key.organizationId()));
				return (changedAt != null) ? redis.membership(key, changedAt)
						: redis.membership(key, changes::remember);
			}

			public Mono<Map<MembershipKey, Membership>> getAll(List<MembershipKey> batch) {
				return redis.memberships(batch, (key) -> knownChange(keys.membershipChange(key),
						keys.organizationChange(key.organizationId())), changes::remember);
			}

			public Mono<?> put(MembershipKey key, Membership value, long readStartedAt) {
				return redis.putMembership(key, value, readStartedAt);
			}

		}, database::membership, redisGuard, databaseGuard, clock);
		this.users = new TieredLookup<>("platform user", ResolutionTrace::user, new TieredLookup.LocalTier<>() {

			public LocalEntry<PlatformUser> get(String key) {
				return local.userEntry(key);
			}

			public boolean claimRefresh(LocalEntry<PlatformUser> entry) {
				return local.claimRefresh(entry);
			}

			public long generation() {
				return local.generation();
			}

			public void put(String key, PlatformUser value, long generation, long readStartedAt) {
				if (!changedJustBefore(readStartedAt, keys.userChange(key), null)) {
					local.putUser(key, value, generation);
				}
			}

		}, new TieredLookup.SharedTier<>() {

			public Mono<PlatformUser> get(String key) {
				Long changedAt = knownLatestChange(keys.userChange(key), null);
				return (changedAt != null) ? redis.user(key, changedAt) : redis.user(key, changes::remember);
			}

			public Mono<Map<String, PlatformUser>> getAll(List<String> batch) {
				return redis.users(batch, (key) -> knownChange(keys.userChange(key), null), changes::remember);
			}

			public Mono<?> put(String key, PlatformUser value, long readStartedAt) {
				return redis.putUser(key, value, readStartedAt);
			}

		}, database::user, redisGuard, databaseGuard, clock);
		this.together = new UserWithMembershipLookup(this.users, this.memberships,
				(key) -> redis.userWithMembership(key, knownChange(keys.userChange(key.userId()), null),
						knownChange(keys.membershipChange(key), keys.organizationChange(key.organizationId())),
						changes::remember),
				database::userWithMembership,
				(key, read, readStartedAt) -> redis.putUserWithMembership(key, read.user(), read.membership(),
						readStartedAt),
				redisGuard, databaseGuard, clock);
	}

	/**
	 * The user's member roles in the organization ({@link Membership#NONE} when not a member). An answer from memory
	 * (a trusted claim, the in-process tier) is returned as {@code Mono.just}.
	 * @param claimed the roles the token claims for this organization, or {@code null}
	 * @param issuedAt the token's {@code iat}; a claim without it is not trusted
	 * @param trace where the answer came from is recorded here
	 */
	public Mono<Membership> membership(MembershipKey key, @Nullable Membership claimed, @Nullable Instant issuedAt,
			ResolutionTrace trace) {
		if (claimed == null || !claimsTrustable(issuedAt)) {
			return this.memberships.get(key, trace);
		}
		Mono<Boolean> changed = ScalarMono.flatMap(
				changedSince(issuedAt, HeardChanges.membership(key), () -> this.keys.membershipChange(key)),
				(memberChanged) -> memberChanged ? CHANGED
						: changedSince(issuedAt, HeardChanges.organization(key.organizationId()),
								() -> this.keys.organizationChange(key.organizationId())));
		return ScalarMono.flatMap(changed, (stale) -> {
			if (stale) {
				return this.memberships.get(key, trace);
			}
			trace.membership("claim");
			return Mono.just(claimed);
		});
	}

	/**
	 * The user's platform record and, alongside it, their member roles in the organization: for a request on the
	 * token's own organization whose rule needs member roles. When neither is held in-process and no claim may answer
	 * the membership, both are read together ({@link UserWithMembershipLookup}: one Redis round trip, one database
	 * query); otherwise each as {@link #user} and {@link #membership} would.
	 * @return the user's lookup, and the membership's, already under way (an error waits in it until, and unless,
	 * it is subscribed); the membership's is {@code null} when the user is held in-process: it is then looked up
	 * only if the decision comes to need it
	 */
	public UserAndMembershipLookups userAndMembership(MembershipKey key, @Nullable Membership claimed,
			@Nullable Instant issuedAt, ResolutionTrace trace) {
		PlatformUser user = this.users.local(key.userId(), trace);
		if (user != null) {
			return new UserAndMembershipLookups(Mono.just(user), null);
		}
		if (claimed != null && claimsTrustable(issuedAt)) {
			return new UserAndMembershipLookups(this.users.lower(key.userId(), trace),
					underWay(membership(key, claimed, issuedAt, trace)));
		}
		Membership held = this.memberships.local(key, trace);
		if (held != null) {
			return new UserAndMembershipLookups(this.users.lower(key.userId(), trace), Mono.just(held));
		}
		CompletableFuture<UserWithMembership> both = this.together.get(key, trace).toFuture();
		return new UserAndMembershipLookups(Mono.fromFuture(both, true).map(UserWithMembership::user),
				Mono.fromFuture(both, true).map(UserWithMembership::membership));
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
	 * Counts answers per tier ({@code tenantgate.role.lookups}) and times the Redis and PostgreSQL tiers
	 * ({@code tenantgate.role.lookup.duration}), per kind ({@code membership}, {@code user}).
	 */
	public void setMeterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
		this.memberships.observe(new TierMetrics(registry, "membership"));
		this.users.observe(new TierMetrics(registry, "user"));
	}

	/**
	 * The user's platform roles and ban state ({@link PlatformUser#UNKNOWN} when the user does not exist); from the
	 * in-process tier as {@code Mono.just}.
	 */
	public Mono<PlatformUser> user(String userId, ResolutionTrace trace) {
		return this.users.get(userId, trace);
	}

	/** Whether the user's platform role or ban changed after {@code issuedAt} (so a role claim is stale). */
	public Mono<Boolean> userChangedSince(String userId, @Nullable Instant issuedAt) {
		if (!claimsTrustable(issuedAt)) {
			return CHANGED;
		}
		return changedSince(issuedAt, HeardChanges.user(userId), () -> this.keys.userChange(userId));
	}

	/**
	 * How long after a recorded change a database answer is not cached in-process: a read replica may not have the
	 * change yet (the Redis tier applies the same window, its clock tolerance). Default 1 s.
	 */
	public void setFillQuietPeriod(Duration quietPeriod) {
		this.fillQuietPeriodMillis = quietPeriod.toMillis();
		// The same tolerance for the identity server's clock against this instance's, where iat meets heard changes.
		this.heard.setTolerance(quietPeriod.toMillis());
	}

	/** Whether either key ({@code second} may be null) changed shortly before the read began, as far as known here. */
	private boolean changedJustBefore(long readStartedAt, String first, @Nullable String second) {
		if (readStartedAt <= 0) {
			return false;
		}
		long notBefore = readStartedAt - this.fillQuietPeriodMillis;
		Long a = this.changes.known(first);
		Long b = (second != null) ? this.changes.known(second) : null;
		return (a != null && a >= notBefore) || (b != null && b >= notBefore);
	}

	/**
	 * This instance hears every identity change from {@code time} on (its change feed was subscribed then), and
	 * trusts role claims only in tokens issued at or after it: changes before it may never have reached this
	 * instance, so older claims are looked up. {@link Long#MAX_VALUE}: not listening, no claim is trusted.
	 */
	public void listeningForChangesSince(long time) {
		this.claimsTrustedFrom.set(time);
		this.heard.listeningSince(time);
	}

	private boolean claimsTrustable(@Nullable Instant issuedAt) {
		return issuedAt != null && issuedAt.toEpochMilli() >= this.claimsTrustedFrom.get();
	}

	/**
	 * Drops every cached answer about the membership and records the change. The in-process change time and entry
	 * are updated when this is called (in that order, so a concurrent lookup cannot take an old Redis entry for a
	 * new one), and this instance enforces the change at once; Redis follows on subscription.
	 */
	public Mono<Void> membershipChanged(MembershipKey key, long changedAt) {
		String changeKey = this.keys.membershipChange(key);
		this.heard.record(HeardChanges.membership(key), changedAt, this.clock.millis());
		Mono<Long> recorded = this.changes.record(changeKey, changedAt);
		this.local.evictMembership(key);
		return recorded.then(this.redis.evictMembership(key)).then();
	}

	/** Drops every cached membership of the organization and records the change. */
	public Mono<Void> organizationChanged(String organizationId, long changedAt) {
		String changeKey = this.keys.organizationChange(organizationId);
		this.heard.record(HeardChanges.organization(organizationId), changedAt, this.clock.millis());
		Mono<Long> recorded = this.changes.record(changeKey, changedAt);
		this.local.evictMemberships(organizationId);
		return recorded.then(this.redis.evictOrganization(organizationId)).then();
	}

	/** Drops every cached answer about the user's platform role and ban, and records the change. */
	public Mono<Void> userChanged(String userId, long changedAt) {
		String changeKey = this.keys.userChange(userId);
		this.heard.record(HeardChanges.user(userId), changedAt, this.clock.millis());
		Mono<Long> recorded = this.changes.record(changeKey, changedAt);
		this.local.evictUser(userId);
		return recorded.then(this.redis.evictUser(userId)).then();
	}

	/**
	 * After this instance may have missed events (its NATS connection dropped and came back at {@code since}):
	 * forgets everything it holds in-process and stops trusting Redis entries read from PostgreSQL before
	 * {@code since}, so every answer cached before or during the gap is read again.
	 */
	public void distrustCachesSince(long since) {
		this.redis.distrustEntriesBefore(since);
		this.local.evictAll();
		this.changes.clearMirror();
	}

	/**
	 * The later change time of the two keys ({@code second} may be null) when both are held in-process; else
	 * {@code null}, and the shared tier reads them with its entry.
	 */
	private @Nullable Long knownLatestChange(String first, @Nullable String second) {
		Long firstKnown = this.changes.known(first);
		Long secondKnown = (second != null) ? this.changes.known(second) : Long.valueOf(0);
		return (firstKnown != null && secondKnown != null) ? Math.max(firstKnown, secondKnown) : null;
	}

	/** The later change time of the two keys ({@code second} may be null) held in-process; 0 when neither is. */
	private long knownChange(String first, @Nullable String second) {
		Long a = this.changes.known(first);
		Long b = (second != null) ? this.changes.known(second) : null;
		return Math.max((a != null) ? a : 0, (b != null) ? b : 0);
	}

	/**
	 * @param heardKey the change's key in {@link HeardChanges}
	 * @param changeKey its key in the shared change times, built only when what this instance heard cannot answer
	 */
	private Mono<Boolean> changedSince(Instant issuedAt, Object heardKey, Supplier<String> changeKey) {
		// The request path's common case: a token issued while listening, answered by what this instance heard.
		Boolean heardChange = this.heard.changedAfter(heardKey, issuedAt.toEpochMilli());
		if (heardChange != null) {
			return heardChange ? CHANGED : UNCHANGED;
		}
		// Else the in-process mirror of the shared change times, and Redis when the mirror does not know.
		String key = changeKey.get();
		Long known = this.changes.known(key);
		if (known != null) {
			return (known > issuedAt.toEpochMilli()) ? CHANGED : UNCHANGED;
		}
		return this.redisGuard.guard(this.changes.latest(key))
			.map((changedAt) -> changedAt > issuedAt.toEpochMilli())
			.onErrorResume((ex) -> {
				// Unknown means "maybe changed": distrust the claim and look the role up.
				logger.debug("Change time unavailable, not trusting the claim: " + ex);
				return Mono.just(true);
			});
	}

}
