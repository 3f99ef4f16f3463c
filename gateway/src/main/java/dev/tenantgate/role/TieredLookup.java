package dev.tenantgate.role;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.tenantgate.problem.AccessDeniedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One value looked up through three tiers, first answer wins: the in-process cache, the shared store (Redis), the
 * database. An answer from a lower tier fills the tiers above it.
 * <p>
 * The shared tier is an optimisation: its errors and timeouts count as a miss and the lookup goes on to the
 * database. The database is the authority: its errors and timeouts fail the lookup with
 * {@link RoleUnavailableException}, so the request fails closed.
 *
 * @param <K> the key
 * @param <V> the value
 */
final class TieredLookup<K, V> {

	private static final Log logger = LogFactory.getLog(TieredLookup.class);

	private final String name;

	private final Function<K, @Nullable V> localGet;

	private final BiConsumer<K, V> localPut;

	private final Function<K, Mono<V>> sharedGet;

	private final BiFunction<K, V, Mono<?>> sharedPut;

	private final Function<K, Mono<V>> load;

	private final Duration sharedTimeout;

	private final Duration loadTimeout;

	TieredLookup(String name, Function<K, @Nullable V> localGet, BiConsumer<K, V> localPut,
			Function<K, Mono<V>> sharedGet, BiFunction<K, V, Mono<?>> sharedPut, Function<K, Mono<V>> load,
			Duration sharedTimeout, Duration loadTimeout) {
		this.name = name;
		this.localGet = localGet;
		this.localPut = localPut;
		this.sharedGet = sharedGet;
		this.sharedPut = sharedPut;
		this.load = load;
		this.sharedTimeout = sharedTimeout;
		this.loadTimeout = loadTimeout;
	}

	Mono<V> get(K key) {
		V local = this.localGet.apply(key);
		if (local != null) {
			return Mono.just(local);
		}
		return fromShared(key)
			.switchIfEmpty(Mono.defer(() -> fromDatabase(key)))
			.doOnNext((value) -> this.localPut.accept(key, value));
	}

	private Mono<V> fromShared(K key) {
		return Mono.defer(() -> this.sharedGet.apply(key))
			.timeout(this.sharedTimeout)
			.onErrorResume((ex) -> {
				logger.debug(this.name + ": shared tier failed, reading the database: " + ex);
				return Mono.empty();
			});
	}

	private Mono<V> fromDatabase(K key) {
		return Mono.defer(() -> this.load.apply(key))
			.timeout(this.loadTimeout)
			.onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
				logger.warn(this.name + ": database lookup failed, failing closed: " + ex);
				return new RoleUnavailableException();
			})
			.doOnNext((value) -> fillShared(key, value));
	}

	private void fillShared(K key, V value) {
		Mono.defer(() -> this.sharedPut.apply(key, value))
			.timeout(this.sharedTimeout)
			.subscribe(null, (ex) -> logger.debug(this.name + ": could not fill the shared tier: " + ex));
	}

}
