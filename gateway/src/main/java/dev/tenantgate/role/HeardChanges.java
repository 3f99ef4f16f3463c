package dev.tenantgate.role;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The changes this instance heard on the event feed itself, by change key. Once the feed is subscribed, every change
 * made after that moment is heard (or the feed reports a gap, and the log stops answering until it is subscribed
 * again), so for a token issued after it the question "did this membership change after the token was issued?" is
 * answered here, in-process, without asking the shared store.
 * <p>
 * It answers only for times at or after {@link #completeFrom()}: the subscription time plus the clock tolerance
 * between the identity server (which stamps {@code iat}) and this instance. Changes from before that are irrelevant to
 * the tokens it answers for, so old entries are never wrong, only unneeded; the log is cleared when it reaches its
 * size bound, and then answers only for times after the clearing.
 * <p>
 * Keys are {@link #membership}, {@link #organization} and {@link #user}: a value type per kind, so ids of different
 * kinds never alias, and the request path looks one up without building a string.
 */
final class HeardChanges {

	private final ConcurrentMap<Object, Long> times = new ConcurrentHashMap<>();

	private final AtomicLong completeFrom = new AtomicLong(Long.MAX_VALUE);

	private final int maximumSize;

	private volatile long toleranceMillis;

	/**
	 * @param maximumSize the most change keys kept; reaching it clears the log
	 * @param toleranceMillis how far the identity server's clock may be ahead of this instance's
	 */
	HeardChanges(int maximumSize, long toleranceMillis) {
		this.maximumSize = maximumSize;
		this.toleranceMillis = toleranceMillis;
	}

	/** How far the identity server's clock may be ahead of this instance's; applies from the next subscription. */
	void setTolerance(long toleranceMillis) {
		this.toleranceMillis = toleranceMillis;
	}

	/** The key of a change to the membership. */
	static Object membership(MembershipKey key) {
		return key;
	}

	/** The key of the organization's deletion. */
	static Object organization(String organizationId) {
		return new OrganizationChange(organizationId);
	}

	/** The key of a change to the user's platform role or ban. */
	static Object user(String userId) {
		return new UserChange(userId);
	}

	/** Records a change heard on the feed at {@code time} (the later time wins). */
	synchronized void record(Object key, long time, long now) {
		if (this.times.size() >= this.maximumSize && !this.times.containsKey(key)) {
			// Changes from before now may be forgotten: answer only for tokens issued after now.
			this.completeFrom.accumulateAndGet(now + this.toleranceMillis, Math::max);
			this.times.clear();
		}
		this.times.merge(key, time, Math::max);
	}

	/**
	 * Whether {@code key} changed after {@code since}; {@code null} when the log cannot tell (it was not listening at
	 * {@code since}, or lost track since).
	 */
	@Nullable Boolean changedAfter(Object key, long since) {
		if (since < this.completeFrom.get()) {
			return null;
		}
		Long time = this.times.get(key);
		return time != null && time > since;
	}

	/**
	 * Every change from {@code subscribedAt} on will be heard (the feed was subscribed then);
	 * {@link Long#MAX_VALUE}: the feed is not subscribed, changes may be missed, and the log answers for nothing.
	 */
	void listeningSince(long subscribedAt) {
		this.completeFrom.set((subscribedAt == Long.MAX_VALUE) ? Long.MAX_VALUE : subscribedAt + this.toleranceMillis);
	}

	long completeFrom() {
		return this.completeFrom.get();
	}

	int size() {
		return this.times.size();
	}

	private record OrganizationChange(String organizationId) {
	}

	private record UserChange(String userId) {
	}

}
