package dev.tenantgate.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * How the request path's in-process caches are built.
 * <ul>
 * <li>Maintenance (draining the read buffers, expiry, eviction) runs on the thread that reads or writes, in small
 * amortized batches, instead of being handed to {@code ForkJoinPool.commonPool()}: with several lookups per request,
 * the hand-off woke a pool thread thousands of times a second, which cost more than the maintenance itself.</li>
 * <li>{@link #jittered(Duration)} spreads expiry: entries filled together (a burst of new users, a restart) would
 * otherwise expire together and send their lookups to the next tier in one burst.</li>
 * </ul>
 */
public final class Caches {

	/** Entries live between this fraction of their time to live and all of it. */
	static final double MINIMUM_TTL_FRACTION = 0.8;

	private Caches() {
	}

	/** A builder whose maintenance runs on the calling thread. */
	public static Caffeine<Object, Object> onCallingThread() {
		return Caffeine.newBuilder().executor(Runnable::run);
	}

	/** A time to live between 80 % and 100 % of {@code ttl}, never more: the configured value stays an upper bound. */
	public static Duration jittered(Duration ttl) {
		long nanos = ttl.toNanos();
		long minimum = (long) (nanos * MINIMUM_TTL_FRACTION);
		return (minimum >= nanos) ? ttl : Duration.ofNanos(ThreadLocalRandom.current().nextLong(minimum, nanos + 1));
	}

}
