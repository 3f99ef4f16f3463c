package dev.tenantgate.trust;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantgate.support.ScalarMono;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The one place that answers "does this role claim, or this cached answer, still count?", by the rules of
 * {@link TrustRules}, from what is known of changes: the ones this instance heard ({@link ChangeLog}), the ones
 * every instance recorded ({@link SharedChangeTimes}), and the state of the change feed.
 * <p>
 * The feed's state moves with the NATS connection:
 * <ul>
 * <li>{@link #feedStarted(long)}: every change from then on is heard; claims in tokens issued before then do not
 * count (changes before it may never have reached this instance).</li>
 * <li>{@link #feedInterrupted()}: a disconnect or a dropped message; no claim counts until the gap is closed.</li>
 * <li>{@link #gapReplayed()}: every change made during the gap was replayed from the stream and applied: coverage is
 * what it was before the gap, and nothing cached is distrusted.</li>
 * <li>{@link #gapNotReplayed(long)}: the gap could not be replayed: coverage starts again at that time, and shared
 * entries read before it no longer count (the caller drops its in-process entries).</li>
 * <li>{@link #feedOff(Duration)}: no change events at all: a claim counts only while younger than the in-process
 * time to live, the longest any answer is trusted without a change feed.</li>
 * </ul>
 */
public final class TrustModel {

	private static final Log logger = LogFactory.getLog(TrustModel.class);

	// Role changes are rare: this many distinct changed keys between two gaps is far more than a day of them.
	private static final int MAXIMUM_HEARD = 100_000;

	private static final Mono<Boolean> TRUE = Mono.just(true);

	private static final Mono<Boolean> FALSE = Mono.just(false);

	private final ChangeLog log;

	private final SharedChangeTimes shared;

	private final Clock clock;

	private final long toleranceMillis;

	private final long skewMillis;

	// Claims in tokens issued from this time on may count; MAX_VALUE: none does (not listening yet, or in a gap).
	private final AtomicLong coveredFrom = new AtomicLong(Long.MAX_VALUE);

	// The coverage to return to once a gap is replayed.
	private volatile long coveredBeforeGap = Long.MAX_VALUE;

	private final AtomicLong distrustBefore = new AtomicLong();

	private volatile long maximumClaimAgeMillis = Long.MAX_VALUE;

	/**
	 * @param tolerance how far the clocks of the identity server and the instances may differ; also the quiet period
	 * after a change in which a database answer is not kept (a replica may lag)
	 * @param tokenSkew the token clock skew: a claim is judged by its {@code iat} less this, and one stamped further in
	 * the future does not count
	 * @param learnedTtl how long change times read from the shared store are mirrored in-process
	 */
	public TrustModel(SharedChangeTimes shared, Clock clock, Duration tolerance, Duration tokenSkew,
			Duration learnedTtl, long maximumLearned) {
		this.shared = shared;
		this.clock = clock;
		this.toleranceMillis = tolerance.toMillis();
		this.skewMillis = tokenSkew.toMillis();
		this.log = new ChangeLog(MAXIMUM_HEARD, this.toleranceMillis, learnedTtl, maximumLearned);
	}

	/**
	 * Whether a claim from a token issued at {@code issuedAt} still counts for the given keys ({@code second} may be
	 * null); answered as {@code Mono.just} unless the shared store must be asked. When it cannot be asked, the claim
	 * does not count.
	 */
	public Mono<Boolean> claimCounts(@Nullable Instant issuedAt, ChangeKey first, @Nullable ChangeKey second) {
		if (issuedAt == null) {
			return FALSE;
		}
		long now = this.clock.millis();
		long tokenIat = issuedAt.toEpochMilli();
		if (!TrustRules.claimCounts(tokenIat, now, this.skewMillis, this.coveredFrom.get(), 0,
				this.maximumClaimAgeMillis)) {
			return FALSE;
		}
		// Changes after this time make the claim stale (see TrustRules#judgedIssuedAt).
		long iat = TrustRules.judgedIssuedAt(tokenIat, now, this.skewMillis);
		return ScalarMono.flatMap(changedAfter(first, iat), (changed) -> {
			if (changed || second == null) {
				return changed ? FALSE : TRUE;
			}
			return ScalarMono.map(changedAfter(second, iat), (secondChanged) -> !secondChanged);
		});
	}

	/** Whether {@code key} changed after {@code iat}; unknown counts as changed. */
	private Mono<Boolean> changedAfter(ChangeKey key, long iat) {
		// The request path's common case: a token issued while listening, answered by what this instance heard.
		Boolean heard = this.log.changedAfter(key, iat);
		if (heard != null) {
			return heard ? TRUE : FALSE;
		}
		Long learned = this.log.learned(key);
		if (learned != null) {
			return (learned > iat) ? TRUE : FALSE;
		}
		return this.shared.latest(key).map((time) -> {
			this.log.learned(key, time);
			return time > iat;
		}).onErrorResume((ex) -> {
			logger.debug("Change time unavailable, the claim does not count: " + ex);
			return TRUE;
		});
	}

	/**
	 * Whether an entry of the shared tier counts.
	 * @param readStartedAt the entry's stamp: when the database read that produced it began
	 * @param latestChange the latest change time of its keys read with it (0: none)
	 */
	public boolean sharedEntryCounts(long readStartedAt, long latestChange) {
		return TrustRules.sharedEntryCounts(readStartedAt, latestChange, this.distrustBefore.get(),
				this.toleranceMillis);
	}

	/** Whether a database answer about the keys ({@code second} may be null) may be kept in-process. */
	public boolean mayKeep(long readStartedAt, ChangeKey first, @Nullable ChangeKey second) {
		return TrustRules.mayKeep(readStartedAt, latestKnown(first, second), this.toleranceMillis);
	}

	/** The later change time of the keys known in-process; 0 when none is. */
	public long latestKnown(ChangeKey first, @Nullable ChangeKey second) {
		Long a = this.log.known(first);
		Long b = (second != null) ? this.log.known(second) : null;
		return Math.max((a != null) ? a : 0, (b != null) ? b : 0);
	}

	/** A change time read from the shared store along with an entry. */
	public void learned(ChangeKey key, long time) {
		this.log.learned(key, time);
	}

	/**
	 * Records a change heard on the feed: in-process at once (so this instance enforces it before the caller drops
	 * its cached answers), in the shared store on subscription.
	 */
	public Mono<Long> changed(ChangeKey key, long time) {
		this.log.heard(key, time, this.clock.millis());
		return this.shared.record(key, time);
	}

	/** The feed is subscribed: every change from {@code since} on is heard. */
	public void feedStarted(long since) {
		this.log.completeFrom(since);
		this.coveredBeforeGap = since;
		this.coveredFrom.set(since);
	}

	/** Changes may be missed from now on, until the gap is replayed or given up. */
	public void feedInterrupted() {
		long covered = this.coveredFrom.getAndSet(Long.MAX_VALUE);
		if (covered != Long.MAX_VALUE) {
			this.coveredBeforeGap = covered;
		}
		this.log.completeFrom(Long.MAX_VALUE);
	}

	/** Every change of the gap was heard after all (replayed): the coverage from before the gap holds again. */
	public void gapReplayed() {
		long covered = this.coveredBeforeGap;
		this.log.completeFrom(covered);
		this.coveredFrom.set(covered);
	}

	/**
	 * The gap could not be replayed: changes before {@code since} may never have reached this instance, so claims in
	 * tokens issued before it and shared entries read before it no longer count, and change times are read again.
	 */
	public void gapNotReplayed(long since) {
		this.distrustBefore.accumulateAndGet(since, Math::max);
		this.log.forgetLearned();
		feedStarted(since);
	}

	/**
	 * A change heard at {@code since} could not be recorded in the shared store (or its entry not dropped there): shared
	 * entries read before it no longer count. Claims are judged by what this instance heard, which has the change.
	 */
	public void sharedStoreMissedChange(long since) {
		this.distrustBefore.accumulateAndGet(since, Math::max);
	}

	/** No change events: claims count from any time, but only while younger than {@code maximumClaimAge}. */
	public void feedOff(Duration maximumClaimAge) {
		this.maximumClaimAgeMillis = maximumClaimAge.toMillis();
		feedStarted(0);
	}

	/** Claims in tokens issued from this time on may count; {@link Long#MAX_VALUE} while none does. */
	public long coveredFrom() {
		return this.coveredFrom.get();
	}

}
