package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.local.LocalEntry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One value looked up through three tiers, first answer wins: the in-process cache, the shared store (Redis), the
 * database. An answer from a lower tier fills the tiers above it, unless an invalidation happened since the lookup
 * began (the local tier compares generations, the shared tier compares change times), so a read that raced an
 * invalidation never puts its old answer back.
 * <p>
 * Each lower tier is called through its {@link DependencyGuard} (time limit, circuit breaker, bulkhead). The shared
 * tier is an optimisation: its errors, timeouts and refusals count as a miss and the lookup goes on to the database.
 * The database is the authority: its errors, timeouts and refusals fail the lookup with
 * {@link RoleUnavailableException}, so the request fails closed.
 *
 * @param <K> the key
 * @param <V> the value
 */
final class TieredLookup<K, V> {

	private static final Log logger = LogFactory.getLog(TieredLookup.class);

	/** How long a value due to be read again waits for others, to be read with them in one round trip. */
	static final Duration REFRESH_WINDOW = Duration.ofMillis(50);

	/** The most values read again in one round trip. */
	static final int REFRESH_BATCH = 100;

	/** The most background reads in the database at a time, for this lookup ({@link BackgroundLoads}). */
	static final int REFRESH_LOADS = 4;

	private final String name;

	private final LocalTier<K, V> local;

	private final SharedTier<K, V> shared;

	private final Function<K, Mono<V>> load;

	private final DependencyGuard sharedGuard;

	private final DependencyGuard loadGuard;

	private final Clock clock;

	private final BiConsumer<ResolutionTrace, String> trace;

	private final RefreshBatcher<K> refreshes;

	private final BackgroundLoads loads = new BackgroundLoads(REFRESH_LOADS);

	private volatile TierObserver observer = TierObserver.NONE;

	TieredLookup(String name, BiConsumer<ResolutionTrace, String> trace, LocalTier<K, V> local, SharedTier<K, V> shared,
			Function<K, Mono<V>> load,
			DependencyGuard sharedGuard, DependencyGuard loadGuard, Clock clock) {
		this.name = name;
		this.trace = trace;
		this.local = local;
		this.shared = shared;
		this.load = load;
		this.sharedGuard = sharedGuard;
		this.loadGuard = loadGuard;
		this.clock = clock;
		this.refreshes = new RefreshBatcher<>(REFRESH_WINDOW, REFRESH_BATCH, Schedulers.parallel(), this::refresh);
	}

	/**
	 * The in-process tier is read at once, and a hit is returned as {@code Mono.just} (so callers can chain it without
	 * operators, see {@link dev.tenantgate.support.ScalarMono}); the lower tiers are read on subscription. A hit past
	 * its refresh time also has the value read again in the background ({@link LocalEntry}), in a batch with the
	 * others that come due within {@link #REFRESH_WINDOW} ({@link RefreshBatcher}).
	 */
	Mono<V> get(K key, ResolutionTrace trace) {
		V cached = local(key, trace);
		return (cached != null) ? Mono.just(cached) : lower(key, trace);
	}

	/** The in-process tier's value, as {@link #get} answers it, or {@code null} when it does not hold the key. */
	@Nullable V local(K key, ResolutionTrace trace) {
		LocalEntry<V> cached = this.local.get(key);
		if (cached == null) {
			return null;
		}
		answered(trace, Tier.LOCAL, 0);
		if (this.local.claimRefresh(cached)) {
			this.refreshes.add(key);
		}
		return cached.value();
	}

	/** The lower tiers, read on subscription, for a key the in-process tier does not hold. */
	Mono<V> lower(K key, ResolutionTrace trace) {
		return Mono.defer(() -> fromLowerTiers(key, trace));
	}

	/**
	 * The in-process tier's generation: noted before a lower tier is read, it keeps the answer out of the in-process
	 * tier if an invalidation happens meanwhile.
	 */
	long generation() {
		return this.local.generation();
	}

	/**
	 * A value the shared tier answered, for this lookup or one made together with another
	 * ({@link UserWithMembershipLookup}): recorded and put in the in-process tier.
	 * @param trace the request's trace, or {@code null} for a background refresh
	 */
	void answeredByShared(K key, V value, @Nullable ResolutionTrace trace, long nanos, long generation) {
		answered(trace, Tier.REDIS, nanos);
		this.local.put(key, value, generation, 0);
	}

	/**
	 * A value the database answered, for this lookup or one made together with another: recorded and put in the
	 * in-process tier. The shared tier is filled by the caller: {@link #fromDatabase} fills it with this value alone,
	 * {@link UserWithMembershipLookup} with both of its values at once.
	 * @param trace the request's trace, or {@code null} for a background refresh
	 */
	void answeredByDatabase(K key, V value, @Nullable ResolutionTrace trace, long nanos, long generation, long readStartedAt) {
		answered(trace, Tier.POSTGRES, nanos);
		this.local.put(key, value, generation, readStartedAt);
	}

	/** A database lookup made together with another failed (the request fails closed): counted as this one's too. */
	void databaseFailed() {
		this.observer.failed();
	}

	/**
	 * Reads the lower tiers and fills the ones above.
	 * @param trace the request's trace, or {@code null} for a background refresh
	 */
	private Mono<V> fromLowerTiers(K key, @Nullable ResolutionTrace trace) {
		// Noted before any lower tier is read: an invalidation from now on keeps the answer out of this tier.
		long generation = this.local.generation();
		return fromShared(key, trace, generation).switchIfEmpty(Mono.defer(() -> fromDatabase(key, trace, generation)));
	}

	/**
	 * Reads a batch of values again in the background: the shared tier in one round trip, the database for each
	 * value it does not hold, at most {@link #REFRESH_LOADS} at a time.
	 */
	private void refresh(List<K> keys) {
		// Noted before any lower tier is read, as in fromLowerTiers.
		long generation = this.local.generation();
		long started = System.nanoTime();
		this.sharedGuard.guard(Mono.defer(() -> this.shared.getAll(keys))).onErrorResume((ex) -> {
			logger.debug(this.name + ": shared tier failed, reading the database: " + ex);
			return Mono.just(Map.of());
		}).subscribe((found) -> {
			long nanos = System.nanoTime() - started;
			for (K key : keys) {
				V value = found.get(key);
				if (value != null) {
					this.observer.refreshed(Tier.REDIS, nanos);
					this.local.put(key, value, generation, 0);
				}
				else {
					this.loads.submit(() -> fromDatabase(key, null, generation).doOnError((ex) -> logger
						.debug(this.name + ": background refresh failed, the cached value expires as usual: " + ex)));
				}
			}
		});
	}

	private Mono<V> fromShared(K key, @Nullable ResolutionTrace trace, long generation) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return this.sharedGuard.guard(Mono.defer(() -> this.shared.get(key)))
				.doOnNext((value) -> answeredByShared(key, value, trace, System.nanoTime() - started, generation));
		}).onErrorResume((ex) -> {
			logger.debug(this.name + ": shared tier failed, reading the database: " + ex);
			return Mono.empty();
		});
	}

	/**
	 * Reads the database and fills the tiers above.
	 * @param trace the request's trace, or {@code null} for a background refresh
	 */
	Mono<V> fromDatabase(K key, @Nullable ResolutionTrace trace, long generation) {
		return Mono.defer(() -> {
			long readStartedAt = this.clock.millis();
			long started = System.nanoTime();
			return this.loadGuard.guard(this.load.apply(key))
				.doOnError((ex) -> {
					if (trace != null) {
						this.observer.failed();
					}
				})
				.onErrorMap((ex) -> trace != null && !(ex instanceof AccessDeniedException), (ex) -> {
					logger.warn(this.name + ": database lookup failed, failing closed: " + ex);
					return new RoleUnavailableException();
				})
				.doOnNext((value) -> {
					answeredByDatabase(key, value, trace, System.nanoTime() - started, generation, readStartedAt);
					fillShared(key, value, readStartedAt);
				});
		});
	}

	private void answered(@Nullable ResolutionTrace trace, Tier tier, long nanos) {
		if (trace == null) {
			this.observer.refreshed(tier, nanos);
			return;
		}
		this.observer.answered(tier, nanos);
		this.trace.accept(trace, tier.tag());
	}

	private void fillShared(K key, V value, long readStartedAt) {
		this.sharedGuard.guard(Mono.defer(() -> this.shared.put(key, value, readStartedAt)))
			.subscribe(null, (ex) -> logger.debug(this.name + ": could not fill the shared tier: " + ex));
	}

	/** Reports which tier answered (and how long it took) from now on. */
	void observe(TierObserver observer) {
		this.observer = observer;
	}

	/** The tiers, as named in metrics and the decision log. */
	enum Tier {

		LOCAL, REDIS, POSTGRES;

		String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** Sees every answer: the tier and its latency in nanoseconds (0 for the in-process tier). */
	interface TierObserver {

		TierObserver NONE = new TierObserver() {
		};

		default void answered(Tier tier, long nanos) {
		}

		/** A value read again in the background (no request waited for it). */
		default void refreshed(Tier tier, long nanos) {
		}

		default void failed() {
		}

	}

	/** The in-process tier. */
	interface LocalTier<K, V> {

		@Nullable LocalEntry<V> get(K key);

		/** Whether the caller should read the entry's value again in the background (see {@link LocalEntry}). */
		boolean claimRefresh(LocalEntry<V> entry);

		long generation();

		/**
		 * Fills the entry unless an invalidation happened since {@code generation}, or (for a database answer,
		 * {@code readStartedAt > 0}) a change was recorded shortly before the read began.
		 */
		void put(K key, V value, long generation, long readStartedAt);

	}

	/** The shared tier. */
	interface SharedTier<K, V> {

		Mono<V> get(K key);

		/** The values of several keys, in one round trip; a key the tier does not hold is left out. */
		Mono<Map<K, V>> getAll(List<K> keys);

		Mono<?> put(K key, V value, long readStartedAt);

	}

}
