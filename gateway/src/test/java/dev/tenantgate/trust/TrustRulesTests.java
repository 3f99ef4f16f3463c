package dev.tenantgate.trust;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The trust rules as plain functions: examples at their edges, and the properties a change must never break. */
class TrustRulesTests {

	private static final long NOW = 1_800_000_000_000L;

	private static final long MAX = Long.MAX_VALUE;

	private static final long SKEW = 30_000;

	@Test
	void claimCountsWhenIssuedAfterCoverageAndNothingChangedSince() {
		assertThat(TrustRules.claimCounts(NOW - 100, NOW, SKEW, NOW - 1000, 0, MAX)).isTrue();
		assertThat(TrustRules.claimCounts(NOW - 100, NOW, SKEW, NOW - 1000, NOW - 100 - SKEW, MAX)).isTrue();
	}

	@Test
	void claimCountsWhenChangedAfterIssueLessTheSkewThenNot() {
		assertThat(TrustRules.claimCounts(NOW - 100, NOW, SKEW, NOW - 1000, NOW - 99, MAX)).isFalse();
		assertThat(TrustRules.claimCounts(NOW - 100, NOW, SKEW, NOW - 1000, NOW - 100 - SKEW + 1, MAX)).isFalse();
	}

	@Test
	void claimCountsWhenIssuedBeforeCoverageOrWithoutCoverageThenNot() {
		assertThat(TrustRules.claimCounts(NOW - 1001, NOW, SKEW, NOW - 1000, 0, MAX)).isFalse();
		assertThat(TrustRules.claimCounts(NOW, NOW, SKEW, MAX, 0, MAX)).isFalse();
	}

	@Test // issue-26, item 10: without change events a claim counts no longer than the in-process TTL
	void claimCountsWhenOlderThanTheMaximumAgeThenNot() {
		assertThat(TrustRules.claimCounts(NOW - 10_000, NOW, SKEW, 0, 0, 10_000)).isTrue();
		assertThat(TrustRules.claimCounts(NOW - 10_001, NOW, SKEW, 0, 0, 10_000)).isFalse();
	}

	@Test // issue-26, item 10: an iat in the future cannot hide a change made within the skew
	void claimCountsWhenIatIsInTheFutureThenAChangeWithinTheSkewMakesItStale() {
		// Stamped 20 s ahead (the identity server's clock runs ahead): a change made now still counts against it.
		assertThat(TrustRules.claimCounts(NOW + 20_000, NOW, SKEW, NOW - 1000, NOW, MAX)).isFalse();
		assertThat(TrustRules.claimCounts(NOW + 20_000, NOW, SKEW, NOW - 1000, 0, MAX)).isTrue();
		// Stamped further ahead than the skew: its claims never count.
		assertThat(TrustRules.claimCounts(NOW + SKEW + 1, NOW, SKEW, NOW - 1000, 0, MAX)).isFalse();
		assertThat(TrustRules.judgedIssuedAt(NOW + 3_600_000, NOW, SKEW)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void sharedEntryCountsOnlyWhenReadAfterTheChangePlusToleranceAndAfterAnyGap() {
		assertThat(TrustRules.sharedEntryCounts(NOW, 0, 0, 1000)).isTrue();
		assertThat(TrustRules.sharedEntryCounts(NOW, NOW - 1001, 0, 1000)).isTrue();
		assertThat(TrustRules.sharedEntryCounts(NOW, NOW - 1000, 0, 1000)).isFalse();
		assertThat(TrustRules.sharedEntryCounts(NOW, 0, NOW, 1000)).isTrue();
		assertThat(TrustRules.sharedEntryCounts(NOW, 0, NOW + 1, 1000)).isFalse();
	}

	@Test
	void mayKeepUnlessAChangeWasRecordedWithinTheQuietPeriodBeforeTheRead() {
		assertThat(TrustRules.mayKeep(NOW, 0, 1000)).isTrue();
		assertThat(TrustRules.mayKeep(NOW, NOW - 1001, 1000)).isTrue();
		assertThat(TrustRules.mayKeep(NOW, NOW - 1000, 1000)).isFalse();
		assertThat(TrustRules.mayKeep(NOW, NOW + 5, 1000)).isFalse();
	}

	@Property
	void aClaimNeverCountsAgainstAChangeMadeAfterItsIssueLessTheSkew(
			@ForAll @LongRange(min = 0, max = 300_000) long iat, @ForAll @LongRange(min = 0, max = 300_000) long change,
			@ForAll @LongRange(min = 0, max = 100_000) long later, @ForAll @LongRange(min = 0, max = 300_000) long coveredFrom,
			@ForAll @LongRange(min = 0, max = 60_000) long skew) {
		long now = 200_000;
		boolean counts = TrustRules.claimCounts(iat, now, skew, coveredFrom, change, MAX);
		// The reference: not from the future beyond the skew, issued while covered, nothing changed since iat - skew.
		assertThat(counts).isEqualTo(iat <= now + skew && iat >= coveredFrom && change <= iat - skew);
		if (!counts) {
			assertThat(TrustRules.claimCounts(iat, now, skew, coveredFrom, change + later, MAX)).isFalse();
		}
	}

	@Property
	void aSharedEntryNeverCountsWhenItsReadBeganBeforeTheChange(
			@ForAll @LongRange(min = 1, max = 100_000) long change, @ForAll @LongRange(min = 0, max = 100_000) long read,
			@ForAll @LongRange(min = 0, max = 100_000) long distrustBefore,
			@ForAll @LongRange(min = 0, max = 5_000) long tolerance) {
		boolean counts = TrustRules.sharedEntryCounts(read, change, distrustBefore, tolerance);
		if (read <= change + tolerance || read < distrustBefore) {
			assertThat(counts).isFalse();
		}
		else {
			assertThat(counts).isTrue();
		}
	}

}
