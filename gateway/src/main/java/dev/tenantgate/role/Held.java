package dev.tenantgate.role;

import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * A load's outcome in the in-process tier: an answer with the tier it came from and how long it is kept (0: handed
 * to the requests that waited for it, and not kept), or the failure those requests get (kept for no time either:
 * Caffeine would log every failed load with its stack trace).
 *
 * @param <V> the value
 */
record Held<V>(@Nullable V value, Tier tier, long nanosToLive, @Nullable Throwable failure) {

	static <V> Held<V> failed(Throwable failure) {
		return new Held<>(null, Tier.POSTGRES, 0, failure);
	}

	boolean answered() {
		return this.failure == null;
	}

	/** Each outcome lives its own time; reading it does not extend it. */
	static final class HeldExpiry<K, V> implements Expiry<K, Held<V>> {

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

}
