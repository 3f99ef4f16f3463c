package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.support.Caches;
import dev.tenantgate.trust.TrustModel;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The in-process tier of one kind of answer, on Caffeine's asynchronous cache, loading through Redis and PostgreSQL
 * ({@link TieredLoader}):
 * <ul>
 * <li>one load in flight per key, shared by every request that needs it;</li>
 * <li>an answer still in use is loaded again in the background after 75 % of its time to live (Caffeine's
 * {@code refreshAfterWrite}), so no request waits for it;</li>
 * <li>{@link #invalidate} removes the key with any load in flight for it: Caffeine does not put back a load whose
 * entry was removed meanwhile, and discards a refresh whose entry was removed or replaced.</li>
 * </ul>
 *
 * @param <K> the key
 * @param <V> the value
 */
final class RoleCache<K, V> {

	/** The share of its time to live after which a value in use is loaded again in the background. */
	static final double REFRESH_FRACTION = 0.75;

	private final RoleKind<K, V> kind;

	private final AsyncLoadingCache<K, Held<V>> cache;

	private volatile TierObserver observer = TierObserver.NONE;

	RoleCache(RoleKind<K, V> kind, TrustModel trust, DependencyGuard sharedGuard, DependencyGuard databaseGuard,
			Clock clock, CacheSettings settings) {
		this.kind = kind;
		this.cache = Caches.onCallingThread()
			.ticker(settings.ticker())
			.maximumSize(settings.maximumSize())
			.expireAfter(new Held.HeldExpiry<K, V>())
			.refreshAfterWrite(Duration.ofNanos((long) (settings.ttl().toNanos() * REFRESH_FRACTION)))
			.buildAsync(new TieredLoader<>(kind, trust, sharedGuard, databaseGuard, clock, settings,
					() -> this.observer));
	}

	/**
	 * The answer: held in-process as {@code Mono.just} (so callers can chain it without operators, see
	 * {@link dev.tenantgate.support.ScalarMono}); otherwise the key's load, joined if one is in flight, else
	 * started now.
	 */
	Mono<V> get(K key, ResolutionTrace trace) {
		CompletableFuture<Held<V>> present = this.cache.getIfPresent(key);
		if (present != null && present.isDone() && present.join().answered()) {
			answered(trace, Tier.LOCAL);
			return Mono.just(present.join().value());
		}
		CompletableFuture<Held<V>> load = (present != null && !present.isDone()) ? present : this.cache.get(key);
		// Cancelling one request must not cancel a load that others share.
		return Mono.fromFuture(load, true).handle((held, sink) -> {
			if (!held.answered()) {
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
		return (present != null && present.isDone() && present.join().answered()) ? present.join().value() : null;
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

}
