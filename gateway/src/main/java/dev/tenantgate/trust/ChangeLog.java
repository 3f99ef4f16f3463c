package dev.tenantgate.trust;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantgate.support.Caches;
import org.jspecify.annotations.Nullable;

/**
 * What this instance knows of change times, in-process, in epoch milliseconds.
 * <ul>
 * <li><b>Heard</b>: the changes it heard on the event feed (live or replayed). The log is complete for every change
 * made from {@link #completeFrom()} on, so for a token issued after that, "did this change after the token was
 * issued?" is answered here without asking the shared store. Reaching its size bound clears it, and it then answers
 * only for times after the clearing.</li>
 * <li><b>Learned</b>: change times read from the shared store, mirrored for a short time so the request path rarely
 * asks it again; "no change" (0) is mirrored too.</li>
 * </ul>
 */
final class ChangeLog {

	private final ConcurrentMap<ChangeKey, Long> heard = new ConcurrentHashMap<>();

	private final AtomicLong completeFrom = new AtomicLong(Long.MAX_VALUE);

	private final Cache<ChangeKey, Long> learned;

	private final int maximumHeard;

	private final long toleranceMillis;

	/**
	 * @param maximumHeard the most change keys heard before the log is cleared
	 * @param toleranceMillis how far the identity server's clock may be ahead of this instance's
	 * @param learnedTtl how long a change time read from the shared store is mirrored
	 * @param maximumLearned the most change times mirrored
	 */
	ChangeLog(int maximumHeard, long toleranceMillis, Duration learnedTtl, long maximumLearned) {
		this.maximumHeard = maximumHeard;
		this.toleranceMillis = toleranceMillis;
		this.learned = Caches.onCallingThread()
			.maximumSize(maximumLearned)
			.expireAfter(Expiry.<ChangeKey, Long>creating((key, time) -> Caches.jittered(learnedTtl)))
			.build();
	}

	/** A change heard on the feed at {@code time} (the later time wins). */
	synchronized void heard(ChangeKey key, long time, long now) {
		if (this.heard.size() >= this.maximumHeard && !this.heard.containsKey(key)) {
			// Changes from before now may be forgotten: answer only for tokens issued after now.
			this.completeFrom.accumulateAndGet(now + this.toleranceMillis, Math::max);
			this.heard.clear();
		}
		this.heard.merge(key, time, Math::max);
	}

	/**
	 * Whether {@code key} changed after {@code since}: known when a change after it was heard, or when the log is
	 * complete at {@code since}; else {@code null}.
	 */
	@Nullable Boolean changedAfter(ChangeKey key, long since) {
		Long time = this.heard.get(key);
		if (time != null && time > since) {
			return true;
		}
		return (since < this.completeFrom.get()) ? null : Boolean.FALSE;
	}

	/** Every change from {@code time} on is heard; {@link Long#MAX_VALUE}: the log answers for nothing. */
	void completeFrom(long time) {
		this.completeFrom.set((time == Long.MAX_VALUE) ? Long.MAX_VALUE : time + this.toleranceMillis);
	}

	long completeFrom() {
		return this.completeFrom.get();
	}

	/** The latest change time of {@code key} heard or learned (0: known to be none), or {@code null}. */
	@Nullable Long known(ChangeKey key) {
		Long heardTime = this.heard.get(key);
		Long learnedTime = this.learned.getIfPresent(key);
		if (heardTime == null) {
			return learnedTime;
		}
		return (learnedTime == null) ? heardTime : Math.max(heardTime, learnedTime);
	}

	/** The change time of {@code key} read from the shared store (0: none), or {@code null}. */
	@Nullable Long learned(ChangeKey key) {
		return this.learned.getIfPresent(key);
	}

	/** A change time read from the shared store (0: none). */
	void learned(ChangeKey key, long time) {
		this.learned.asMap().merge(key, time, Math::max);
	}

	/** Forgets the change times read from the shared store, so they are read again. */
	void forgetLearned() {
		this.learned.invalidateAll();
	}

	int heardSize() {
		return this.heard.size();
	}

}
