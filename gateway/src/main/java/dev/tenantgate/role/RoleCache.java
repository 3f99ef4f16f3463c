package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.support.Caches;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.TrustModel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The in-process tier of one kind of answer, on Caffeine's asynchronous cache, loading through the shared tier
 * (Redis) and the database:
 * <ul>
 * <li>one load in flight per key, from Redis to PostgreSQL, shared by every request that needs it;</li>
 * <li>an answer still in use is loaded again in the background after 75 % of its time to live (Caffeine's
 * {@code refreshAfterWrite}), so no request waits for it; its database reads run a few at a time
 * ({@link BackgroundLoads});</li>
 * <li>{@link #invalidate} removes the key with any load in flight for it: Caffeine does not put a load back whose
 * entry was removed meanwhile, and discards a refresh whose entry was removed or replaced.</li>
 * </ul>
 * What counts is decided by the {@link TrustModel}: a Redis entry only if it is newer than the changes to its keys;
 * a database answer is kept only if no change was recorded just before its read began. The shared tier's failures
 * are misses; the database's fail the lookup closed ({@link RoleUnavailableException}).
 *
 * @param <K> the key
 * @param <V> the value
 */
final class RoleCache<K, V> {

	private static final Log logger = LogFactory.getLog(RoleCache.class);

	/** The share of its time to live after which a value in use is loaded again in the background. */
	static final double REFRESH_FRACTION = 0.75;

	/** The most background database reads at a time, for this kind. */
	static final int REFRESH_LOADS = 4;

	private final RoleKind<K, V> kind;

	private final TrustModel trust;

	private final DependencyGuard sharedGuard;

	private final DependencyGuard databaseGuard;

	private final Clock clock;

	private final Duration ttl;

	private final Duration negativeTtl;

	private final AsyncLoadingCache<K, Held<V>> cache;

	private final BackgroundLoads refreshes = new BackgroundLoads(REFRESH_LOADS);

	private volatile TierObserver observer = TierObserver.NONE;

	RoleCache(RoleKind<K, V> kind, TrustModel trust, DependencyGuard sharedGuard, DependencyGuard databaseGuard,
			Clock clock, CacheSettings settings) {
		this.kind = kind;
		this.trust = trust;
		this.sharedGuard = sharedGuard;
		this.databaseGuard = databaseGuard;
		this.clock = clock;
		this.ttl = settings.ttl();
		this.negativeTtl = settings.negativeTtl();
		this.cache = Caches.onCallingThread()
			.ticker(settings.ticker())
			.maximumSize(settings.maximumSize())
			.expireAfter(new HeldExpiry<K, V>())
			.refreshAfterWrite(Duration.ofNanos((long) (settings.ttl().toNanos() * REFRESH_FRACTION)))
			.buildAsync(new Loader());
	}

	/**
	 * The answer: held in-process as {@code Mono.just} (so callers can chain it without operators, see
	 * {@link dev.tenantgate.support.ScalarMono}); otherwise the key's load, joined if one is in flight, else
	 * started now.
	 */
	Mono<V> get(K key, ResolutionTrace trace) {
		CompletableFuture<Held<V>> present = this.cache.getIfPresent(key);
		if (present != null && present.isDone() && present.join().failure() == null) {
			answered(trace, Tier.LOCAL);
			return Mono.just(present.join().value());
		}
		CompletableFuture<Held<V>> load = (present != null && !present.isDone()) ? present : this.cache.get(key);
		// Cancelling one request must not cancel a load that others share.
		return Mono.fromFuture(load, true).handle((held, sink) -> {
			if (held.failure() != null) {
				sink.error(held.failure());
				return;
			}
			answered(trace, held.tier());
			sink.next(held.value());
		});
	}

	/** The answer held in-process, or {@code null}. */
	@Nullable V held(K key) {
		CompletableFuture<Held<V>> present = this.cache.getIfPresent(key);
		return (present != null && present.isDone() && present.join().failure() == null) ? present.join().value()
				: null;
	}

	/** Drops the key's answer and any load in flight for it. */
	void invalidate(K key) {
		this.cache.asMap().remove(key);
	}

	/** Drops the answers of the matching keys, and their loads in flight. */
	void invalidateIf(Predicate<K> matches) {
		this.cache.asMap().keySet().removeIf(matches);
	}

	/** Drops every answer and every load in flight. */
	void invalidateAll() {
		this.cache.asMap().clear();
	}

	long size() {
		this.cache.synchronous().cleanUp();
		return this.cache.synchronous().estimatedSize();
	}

	/** Reports which tier answered (and how long reads took) from now on. */
	void observe(TierObserver observer) {
		this.observer = observer;
	}

	private void answered(ResolutionTrace trace, Tier tier) {
		this.observer.answered(tier);
		this.kind.trace().accept(trace, tier.tag());
	}

	/** Redis, then PostgreSQL on a miss; {@code background} for a refresh. */
	private Mono<Held<V>> load(K key, boolean background) {
		return fromShared(key).switchIfEmpty(Mono.defer(() -> fromDatabase(key, background)));
	}

	private Mono<Held<V>> fromShared(K key) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return this.sharedGuard.guard(Mono.defer(() -> this.kind.shared().apply(key))).mapNotNull((read) -> {
				this.observer.read(Tier.REDIS, System.nanoTime() - started);
				return trusted(key, read);
			});
		}).onErrorResume((ex) -> {
			logger.debug(this.kind.name() + ": shared tier failed, reading the database: " + ex);
			return Mono.empty();
		});
	}

	private @Nullable Held<V> trusted(K key, SharedRead<V> read) {
		ChangeKey first = this.kind.firstChange().apply(key);
		ChangeKey second = this.kind.secondChange().apply(key);
		this.trust.learned(first, read.firstChange());
		if (second != null) {
			this.trust.learned(second, read.secondChange());
		}
		V value = read.value();
		long latest = Math.max(Math.max(read.firstChange(), read.secondChange()), this.trust.latestKnown(first, second));
		return (value != null && this.trust.sharedEntryCounts(read.readStartedAt(), latest))
				? held(value, Tier.REDIS, true) : null;
	}

	private Mono<Held<V>> fromDatabase(K key, boolean background) {
		Mono<Held<V>> read = Mono.defer(() -> {
			long readStartedAt = this.clock.millis();
			long started = System.nanoTime();
			return this.databaseGuard.guard(this.kind.database().apply(key)).map((value) -> {
				this.observer.read(Tier.POSTGRES, System.nanoTime() - started);
				boolean keep = this.trust.mayKeep(readStartedAt, this.kind.firstChange().apply(key),
						this.kind.secondChange().apply(key));
				fillShared(key, value, readStartedAt);
				return held(value, Tier.POSTGRES, keep);
			});
		});
		if (background) {
			return read;
		}
		return read.doOnError((ex) -> this.observer.failed()).onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
			logger.warn(this.kind.name() + ": database lookup failed, failing closed: " + ex);
			return new RoleUnavailableException();
		});
	}

	private void fillShared(K key, V value, long readStartedAt) {
		this.sharedGuard.guard(Mono.defer(() -> this.kind.fill().fill(key, value, readStartedAt)))
			.subscribe(null, (ex) -> logger.debug(this.kind.name() + ": could not fill the shared tier: " + ex));
	}

	private Held<V> held(V value, Tier tier, boolean keep) {
		Duration lifetime = this.kind.positive().test(value) ? this.ttl : this.negativeTtl;
		return new Held<>(value, tier, keep ? Caches.jittered(lifetime).toNanos() : 0, null);
	}

	private final class Loader implements AsyncCacheLoader<K, Held<V>> {

		@Override
		public CompletableFuture<Held<V>> asyncLoad(K key, Executor executor) {
			// A failure is an answer too, kept for no time: Caffeine would log every failed load with its stack trace.
			return load(key, false).onErrorResume((ex) -> Mono.just(new Held<>(null, Tier.POSTGRES, 0, ex))).toFuture();
		}

		@Override
		public CompletableFuture<Held<V>> asyncReload(K key, Held<V> oldValue, Executor executor) {
			CompletableFuture<Held<V>> refreshed = new CompletableFuture<>();
			RoleCache.this.refreshes.submit(() -> load(key, true).doOnNext((held) -> {
				RoleCache.this.observer.refreshed(held.tier());
				refreshed.complete(held);
			}).doOnError((ex) -> {
				logger.debug(RoleCache.this.kind.name() + ": background refresh failed, the value expires as usual: "
						+ ex);
				// Abandoned, not failed: Caffeine keeps the old value, and logs only failures.
				refreshed.completeExceptionally(new CancellationException("refresh abandoned: " + ex));
			}).doOnSuccess((held) -> {
				if (held == null) {
					refreshed.cancel(false);
				}
			}));
			return refreshed;
		}

	}

	/**
	 * An answer with the tier it came from and how long it is kept (0: handed to the requests that waited for it,
	 * and not kept), or the failure the waiting requests get.
	 */
	record Held<V>(@Nullable V value, Tier tier, long nanosToLive, @Nullable Throwable failure) {
	}

	/** Each answer lives its own time; reading it does not extend it. */
	private static final class HeldExpiry<K, V> implements Expiry<K, Held<V>> {

		@Override
		public long expireAfterCreate(K key, Held<V> held, long currentTime) {
			return held.nanosToLive();
		}

		@Override
		public long expireAfterUpdate(K key, Held<V> held, long currentTime, long currentDuration) {
			return held.nanosToLive();
		}

		@Override
		public long expireAfterRead(K key, Held<V> held, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

	/** Sees every answer's tier, every read's latency, and failed database reads. */
	interface TierObserver {

		TierObserver NONE = new TierObserver() {
		};

		/** A request's answer came from {@code tier} (a request that joined a load counts under the load's tier). */
		default void answered(Tier tier) {
		}

		/** A read of Redis or PostgreSQL, for a request or in the background, took {@code nanos}. */
		default void read(Tier tier, long nanos) {
		}

		/** An answer was loaded again in the background from {@code tier}; no request waited for it. */
		default void refreshed(Tier tier) {
		}

		default void failed() {
		}

	}

}
