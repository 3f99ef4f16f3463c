package dev.tenantgate.role.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A value of the in-process tier, with its two deadlines (in the cache's ticker time, {@link System#nanoTime()}): it is served until
 * {@code expiresAt}, and read again in the background by the first request that finds it after {@code refreshAt}.
 * A value read often is then replaced before it expires, and no request waits for the lower tiers on its account;
 * the time to live stays the bound on how old a served value can be.
 *
 * @param <V> the cached value
 */
public final class LocalEntry<V> {

	/** The share of its time to live after which a value is read again in the background. */
	static final double REFRESH_FRACTION = 0.75;

	private static final VarHandle REFRESHING;

	static {
		try {
			REFRESHING = MethodHandles.lookup().findVarHandle(LocalEntry.class, "refreshing", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final V value;

	private final long refreshAt;

	private final long expiresAt;

	@SuppressWarnings("unused") // through REFRESHING
	private volatile boolean refreshing;

	LocalEntry(V value, Duration timeToLive, long now) {
		long nanos = timeToLive.toNanos();
		this.value = value;
		this.refreshAt = now + (long) (nanos * REFRESH_FRACTION);
		this.expiresAt = now + nanos;
	}

	public V value() {
		return this.value;
	}

	/**
	 * Whether the caller should read the value again: {@code true} once, for the first caller at or after the
	 * refresh time.
	 */
	boolean claimRefresh(long now) {
		return now - this.refreshAt >= 0 && !this.refreshing && REFRESHING.compareAndSet(this, false, true);
	}

	/** Nanoseconds left to live at {@code now}; 0 once expired. */
	long nanosLeft(long now) {
		return Math.max(0, this.expiresAt - now);
	}

}
