package dev.tenantgate.trust;

import java.time.Duration;
import java.time.Instant;

import dev.tenantgate.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trust model's states: claims while the feed is heard, during a gap, after a replayed gap and after one that could
 * not be replayed, and without a feed.
 */
class TrustModelTests {

	private static final ChangeKey MEMBER = new ChangeKey.Member("u1", "acme");

	private static final ChangeKey ORGANIZATION = new ChangeKey.Organization("acme");

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

	private final InProcessChangeTimes shared = new InProcessChangeTimes(Duration.ofHours(1), 1000);

	private final TrustModel trust = new TrustModel(this.shared, this.clock, Duration.ofSeconds(1),
			Duration.ofSeconds(30), Duration.ofSeconds(10), 1000);

	@Test
	void claimCountsWhenNotListeningYetThenNot() {
		assertThat(counts(this.clock.instant())).isFalse();
	}

	@Test
	void claimCountsWhenIssuedWhileListeningAndUnchangedThenYes() {
		this.trust.feedStarted(this.clock.millis());
		Instant issuedAt = this.clock.instant().plusSeconds(2);
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(counts(issuedAt)).isTrue();
	}

	@Test
	void claimCountsWhenTheMembershipOrItsOrganizationChangedAfterIssueThenNot() {
		this.trust.feedStarted(this.clock.millis());
		Instant issuedAt = this.clock.instant().plusSeconds(2);
		this.clock.advance(Duration.ofSeconds(3));
		this.trust.changed(ORGANIZATION, this.clock.millis()).block();
		assertThat(counts(issuedAt)).isFalse();
		// A token issued within the skew after the change may still predate it; one issued later counts.
		this.clock.advance(Duration.ofSeconds(40));
		assertThat(counts(this.clock.instant().minusSeconds(20))).isFalse();
		assertThat(counts(this.clock.instant())).isTrue();
	}

	@Test
	void claimCountsWhenIssuedBeforeTheFeedStartedThenNot() {
		Instant issuedAt = this.clock.instant();
		this.clock.advance(Duration.ofSeconds(1));
		this.trust.feedStarted(this.clock.millis());
		assertThat(counts(issuedAt)).isFalse();
	}

	@Test
	void claimCountsDuringAGapThenNotAndAfterItIsReplayedAgainWithoutDistrustingEntries() {
		long started = this.clock.millis();
		this.trust.feedStarted(started);
		Instant issuedAt = this.clock.instant().plusSeconds(2);
		this.clock.advance(Duration.ofSeconds(5));
		long entryRead = this.clock.millis();

		this.trust.feedInterrupted();
		assertThat(counts(issuedAt)).isFalse();

		this.clock.advance(Duration.ofSeconds(5));
		this.trust.gapReplayed();
		assertThat(counts(issuedAt)).isTrue();
		assertThat(this.trust.sharedEntryCounts(entryRead, 0)).isTrue();
		assertThat(this.trust.coveredFrom()).isEqualTo(started);
	}

	@Test
	void claimCountsAfterAGapThatCouldNotBeReplayedOnlyForNewerTokensAndOlderEntriesNoLongerCount() {
		this.trust.feedStarted(this.clock.millis());
		Instant before = this.clock.instant().plusSeconds(2);
		this.clock.advance(Duration.ofSeconds(5));
		long entryRead = this.clock.millis();
		this.trust.feedInterrupted();
		this.clock.advance(Duration.ofSeconds(5));

		this.trust.gapNotReplayed(this.clock.millis());

		assertThat(counts(before)).isFalse();
		assertThat(this.trust.sharedEntryCounts(entryRead, 0)).isFalse();
		assertThat(this.trust.sharedEntryCounts(this.clock.millis(), 0)).isTrue();
		assertThat(counts(this.clock.instant().plusSeconds(2))).isTrue();
	}

	@Test
	void gapReplayedWhenASecondGapOpenedBeforeThenCoverageIsTheFirstOnes() {
		long started = this.clock.millis();
		this.trust.feedStarted(started);
		this.trust.feedInterrupted();
		this.trust.feedInterrupted();
		this.trust.gapReplayed();
		assertThat(this.trust.coveredFrom()).isEqualTo(started);
	}

	@Test // issue-26, item 10
	void claimCountsWithoutAFeedOnlyWhileYoungerThanTheInProcessTtl() {
		this.trust.feedOff(Duration.ofSeconds(10));
		Instant issuedAt = this.clock.instant();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(counts(issuedAt)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(counts(issuedAt)).isFalse();
	}

	@Test // issue-26, item 10
	void claimCountsWhenIatIsInTheFutureThenAChangeWithinTheSkewStillMakesItStale() {
		this.trust.feedStarted(this.clock.millis());
		this.clock.advance(Duration.ofMinutes(1));
		Instant ahead = this.clock.instant().plusSeconds(20);
		assertThat(counts(ahead)).isTrue();
		this.clock.advance(Duration.ofSeconds(2));
		this.trust.changed(MEMBER, this.clock.millis()).block();
		assertThat(counts(ahead)).isFalse();
		assertThat(counts(this.clock.instant().plus(Duration.ofHours(1)))).isFalse();
	}

	@Test
	void claimCountsWhenTheLogIsIncompleteThenTheSharedChangeTimesDecide() {
		long started = this.clock.millis();
		this.trust.feedStarted(started);
		Instant issuedAt = Instant.ofEpochMilli(started + 200);
		// Recorded by another instance, within the clock tolerance of this one's subscription.
		this.shared.record(MEMBER, started + 500).block();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(counts(issuedAt)).isFalse();
	}

	@Test
	void sharedStoreMissedChangeDistrustsOlderEntriesOnly() {
		this.trust.feedStarted(this.clock.millis());
		Instant issuedAt = this.clock.instant().plusSeconds(2);
		this.clock.advance(Duration.ofSeconds(3));
		long entryRead = this.clock.millis() - 1;
		this.trust.sharedStoreMissedChange(this.clock.millis());
		assertThat(this.trust.sharedEntryCounts(entryRead, 0)).isFalse();
		assertThat(counts(issuedAt)).isTrue();
	}

	@Test
	void mayKeepWhenAChangeWasHeardJustBeforeTheReadThenNot() {
		this.trust.feedStarted(this.clock.millis());
		this.trust.changed(MEMBER, this.clock.millis()).block();
		assertThat(this.trust.mayKeep(this.clock.millis() + 500, MEMBER, ORGANIZATION)).isFalse();
		assertThat(this.trust.mayKeep(this.clock.millis() + 1500, MEMBER, ORGANIZATION)).isTrue();
	}

	private boolean counts(Instant issuedAt) {
		return this.trust.claimCounts(issuedAt, MEMBER, ORGANIZATION).block();
	}

}
