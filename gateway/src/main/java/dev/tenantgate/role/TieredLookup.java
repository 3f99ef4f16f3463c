package dev.tenantgate.role;

import java.time.Clock;
import java.util.function.Function;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.resilience.DependencyGuard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

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

	private final String name;

	private final LocalTier<K, V> local;

	private final SharedTier<K, V> shared;

	private final Function<K, Mono<V>> load;

	private final DependencyGuard sharedGuard;

	private final DependencyGuard loadGuard;

	private final Clock clock;

	TieredLookup(String name, LocalTier<K, V> local, SharedTier<K, V> shared, Function<K, Mono<V>> load,
			DependencyGuard sharedGuard, DependencyGuard loadGuard, Clock clock) {
		this.name = name;
		this.local = local;
		this.shared = shared;
		this.load = load;
		this.sharedGuard = sharedGuard;
		this.loadGuard = loadGuard;
		this.clock = clock;
	}

	Mono<V> get(K key) {
		V cached = this.local.get(key);
		if (cached != null) {
			return Mono.just(cached);
		}
		long generation = this.local.generation();
		return fromShared(key)
			.switchIfEmpty(Mono.defer(() -> fromDatabase(key)))
			.doOnNext((value) -> this.local.put(key, value, generation));
	}

	private Mono<V> fromShared(K key) {
		return this.sharedGuard.guard(Mono.defer(() -> this.shared.get(key)))
			.onErrorResume((ex) -> {
				logger.debug(this.name + ": shared tier failed, reading the database: " + ex);
				return Mono.empty();
			});
	}

	private Mono<V> fromDatabase(K key) {
		return Mono.defer(() -> {
			long readStartedAt = this.clock.millis();
			return this.loadGuard.guard(this.load.apply(key))
				.onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
					logger.warn(this.name + ": database lookup failed, failing closed: " + ex);
					return new RoleUnavailableException();
				})
				.doOnNext((value) -> fillShared(key, value, readStartedAt));
		});
	}

	private void fillShared(K key, V value, long readStartedAt) {
		this.sharedGuard.guard(Mono.defer(() -> this.shared.put(key, value, readStartedAt)))
			.subscribe(null, (ex) -> logger.debug(this.name + ": could not fill the shared tier: " + ex));
	}

	/** The in-process tier. */
	interface LocalTier<K, V> {

		@Nullable V get(K key);

		long generation();

		void put(K key, V value, long generation);

	}

	/** The shared tier. */
	interface SharedTier<K, V> {

		Mono<V> get(K key);

		Mono<?> put(K key, V value, long readStartedAt);

	}

}
