package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
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
 * Loads one key for the in-process tier: the shared tier (Redis) first, PostgreSQL on a miss, each through its guard.
 * What counts is the {@link TrustModel}'s decision: a Redis entry only if it is newer than the changes to its keys; a
 * database answer is kept only if no change was recorded just before its read began. The shared tier's failures are
 * misses; the database's fail the requests waiting for the load ({@link RoleUnavailableException}). Refreshes read
 * the database a few at a time ({@link BackgroundLoads}), and one that fails is abandoned: Caffeine keeps the old
 * answer until it expires.
 *
 * @param <K> the key
 * @param <V> the value
 */
final class TieredLoader<K, V> implements AsyncCacheLoader<K, Held<V>> {

	private static final Log logger = LogFactory.getLog(TieredLoader.class);

	/** The most background database reads at a time, for one kind. */
	static final int REFRESH_LOADS = 4;

	private final RoleKind<K, V> kind;

	private final TrustModel trust;

	private final DependencyGuard sharedGuard;

	private final DependencyGuard databaseGuard;

	private final Clock clock;

	private final CacheSettings settings;

	private final Supplier<TierObserver> observer;

	private final BackgroundLoads refreshes = new BackgroundLoads(REFRESH_LOADS);

	TieredLoader(RoleKind<K, V> kind, TrustModel trust, DependencyGuard sharedGuard, DependencyGuard databaseGuard,
			Clock clock, CacheSettings settings, Supplier<TierObserver> observer) {
		this.kind = kind;
		this.trust = trust;
		this.sharedGuard = sharedGuard;
		this.databaseGuard = databaseGuard;
		this.clock = clock;
		this.settings = settings;
		this.observer = observer;
	}

	@Override
	public CompletableFuture<Held<V>> asyncLoad(K key, Executor executor) {
		return load(key, false).onErrorResume((ex) -> Mono.just(Held.failed(ex))).toFuture();
	}

	@Override
	public CompletableFuture<Held<V>> asyncReload(K key, Held<V> oldValue, Executor executor) {
		CompletableFuture<Held<V>> refreshed = new CompletableFuture<>();
		this.refreshes.submit(() -> load(key, true).doOnNext((held) -> {
			this.observer.get().refreshed(held.tier());
			refreshed.complete(held);
		}).doOnError((ex) -> {
			logger.debug(this.kind.name() + ": background refresh failed, the value expires as usual: " + ex);
			// Abandoned, not failed: Caffeine keeps the old value, and logs only failures.
			refreshed.completeExceptionally(new CancellationException("refresh abandoned: " + ex));
		}));
		return refreshed;
	}

	/** Redis, then PostgreSQL on a miss; {@code background} for a refresh. */
	private Mono<Held<V>> load(K key, boolean background) {
		return fromShared(key).switchIfEmpty(Mono.defer(() -> fromDatabase(key, background)));
	}

	private Mono<Held<V>> fromShared(K key) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return this.sharedGuard.guard(Mono.defer(() -> this.kind.shared().apply(key))).mapNotNull((read) -> {
				this.observer.get().read(Tier.REDIS, System.nanoTime() - started);
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
				this.observer.get().read(Tier.POSTGRES, System.nanoTime() - started);
				boolean keep = this.trust.mayKeep(readStartedAt, this.kind.firstChange().apply(key),
						this.kind.secondChange().apply(key));
				fillShared(key, value, readStartedAt);
				return held(value, Tier.POSTGRES, keep);
			});
		});
		if (background) {
			return read;
		}
		return read.doOnError((ex) -> this.observer.get().failed())
			.onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
				logger.warn(this.kind.name() + ": database lookup failed, failing closed: " + ex);
				return new RoleUnavailableException();
			});
	}

	private void fillShared(K key, V value, long readStartedAt) {
		this.sharedGuard.guard(Mono.defer(() -> this.kind.fill().fill(key, value, readStartedAt)))
			.subscribe(null, (ex) -> logger.debug(this.kind.name() + ": could not fill the shared tier: " + ex));
	}

	private Held<V> held(V value, Tier tier, boolean keep) {
		Duration lifetime = this.kind.positive().test(value) ? this.settings.ttl() : this.settings.negativeTtl();
		return new Held<>(value, tier, keep ? Caches.jittered(lifetime).toNanos() : 0, null);
	}

}
