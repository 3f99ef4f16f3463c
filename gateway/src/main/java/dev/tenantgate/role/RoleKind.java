package dev.tenantgate.role;

import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.tenantgate.trust.ChangeKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One kind of role answer (memberships or platform users): its change keys and where each tier reads and writes it.
 *
 * @param name as named in logs and metrics
 * @param firstChange the change that makes an answer stale
 * @param secondChange another one, or {@code null} for none
 * @param shared reads the shared tier
 * @param fill writes a database answer to the shared tier, unless a change was recorded since its read began
 * @param database reads the database
 * @param positive whether an answer is kept for the full time to live (a member, an existing user) or the shorter
 * negative one
 * @param trace records the answering tier in a request's trace
 * @param <K> the key
 * @param <V> the value
 */
record RoleKind<K, V>(String name, Function<K, ChangeKey> firstChange, Function<K, @Nullable ChangeKey> secondChange,
		Function<K, Mono<SharedRead<V>>> shared, Fill<K, V> fill, Function<K, Mono<V>> database,
		Predicate<V> positive, BiConsumer<ResolutionTrace, String> trace) {

	/** Writes a database answer to the shared tier. */
	@FunctionalInterface
	interface Fill<K, V> {

		Mono<?> fill(K key, V value, long readStartedAt);

	}

}
