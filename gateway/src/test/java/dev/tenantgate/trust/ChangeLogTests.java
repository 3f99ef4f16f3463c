package dev.tenantgate.trust;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an instance knows of change times in-process: the changes it heard (complete from a time on, forgotten at a
 * size bound) and the ones it learned from the shared store.
 */
class ChangeLogTests {

	private static final ChangeKey MEMBER = new ChangeKey.Member("u", "o");

	private static final ChangeKey OTHER_MEMBER = new ChangeKey.Member("u", "other");

	private final ChangeLog log = new ChangeLog(3, 1000, Duration.ofMinutes(1), 1000);

	@Test
	void beforeTheFeedStartsAnswersOnlyTheChangesItHeard() {
		this.log.heard(MEMBER, 5_000, 5_000);

		assertThat(this.log.changedAfter(MEMBER, 1_000)).isTrue();
		assertThat(this.log.changedAfter(MEMBER, 5_000)).as("unknown: the log is not complete").isNull();
		assertThat(this.log.changedAfter(OTHER_MEMBER, 1_000)).isNull();
		assertThat(this.log.changedAfter(OTHER_MEMBER, Long.MAX_VALUE - 1)).isNull();
	}

	@Test
	void answersForTimesFromTheFeedsStartPlusTheTolerance() {
		this.log.completeFrom(10_000);
		this.log.heard(MEMBER, 20_000, 20_000);

		assertThat(this.log.changedAfter(OTHER_MEMBER, 10_999)).isNull();
		assertThat(this.log.changedAfter(MEMBER, 11_000)).isTrue();
		assertThat(this.log.changedAfter(MEMBER, 19_999)).isTrue();
		assertThat(this.log.changedAfter(MEMBER, 20_000)).isFalse();
		assertThat(this.log.changedAfter(OTHER_MEMBER, 11_000)).isFalse();
	}

	@Test
	void keepsTheLatestTimeOfAKey() {
		this.log.completeFrom(0);
		this.log.heard(new ChangeKey.User("1"), 9_000, 9_000);
		this.log.heard(new ChangeKey.User("1"), 4_000, 9_500);

		assertThat(this.log.changedAfter(new ChangeKey.User("1"), 8_000)).isTrue();
		assertThat(this.log.known(new ChangeKey.User("1"))).isEqualTo(9_000);
	}

	@Test
	void stopsAnsweringWhenInterruptedAndResumesFromTheNewStart() {
		this.log.completeFrom(0);
		this.log.completeFrom(Long.MAX_VALUE);

		assertThat(this.log.changedAfter(new ChangeKey.User("1"), 50_000)).isNull();

		this.log.completeFrom(60_000);
		assertThat(this.log.changedAfter(new ChangeKey.User("1"), 50_000)).isNull();
		assertThat(this.log.changedAfter(new ChangeKey.User("1"), 61_000)).isFalse();
	}

	@Test
	void reachingTheSizeBoundForgetsAndAnswersOnlyAfterIt() {
		ChangeKey a = new ChangeKey.User("a");
		ChangeKey b = new ChangeKey.User("b");
		ChangeKey c = new ChangeKey.User("c");
		ChangeKey d = new ChangeKey.User("d");
		this.log.completeFrom(0);
		this.log.heard(a, 2_000, 2_000);
		this.log.heard(b, 3_000, 3_000);
		this.log.heard(c, 4_000, 4_000);
		this.log.heard(c, 4_500, 4_500); // a known key: no overflow
		assertThat(this.log.changedAfter(a, 1_500)).isTrue();

		this.log.heard(d, 7_000, 7_000);

		assertThat(this.log.heardSize()).isEqualTo(1);
		assertThat(this.log.completeFrom()).isEqualTo(8_000);
		assertThat(this.log.changedAfter(a, 1_500)).isNull();
		assertThat(this.log.changedAfter(a, 8_000)).isFalse();
		assertThat(this.log.changedAfter(d, 8_000)).isFalse();
		assertThat(this.log.changedAfter(d, 6_000)).isTrue();
	}

	@Test
	void keysOfDifferentKindsNeverAlias() {
		this.log.completeFrom(0);
		this.log.heard(new ChangeKey.User("x"), 5_000, 5_000);

		assertThat(this.log.changedAfter(new ChangeKey.User("x"), 4_000)).isTrue();
		assertThat(this.log.changedAfter(new ChangeKey.Organization("x"), 4_000)).isFalse();
		assertThat(this.log.changedAfter(new ChangeKey.Member("x", "x"), 4_000)).isFalse();
	}

	@Test
	void knownIsTheLaterOfWhatWasHeardAndWhatWasLearned() {
		assertThat(this.log.known(MEMBER)).isNull();

		this.log.learned(MEMBER, 0);
		assertThat(this.log.known(MEMBER)).as("learned: no change").isEqualTo(0);
		this.log.heard(MEMBER, 3_000, 3_000);
		assertThat(this.log.known(MEMBER)).isEqualTo(3_000);
		this.log.learned(MEMBER, 7_000);
		this.log.learned(MEMBER, 6_000); // an older answer of the shared store does not move it back
		assertThat(this.log.learned(MEMBER)).isEqualTo(7_000);
		assertThat(this.log.known(MEMBER)).isEqualTo(7_000);

		this.log.forgetLearned();
		assertThat(this.log.learned(MEMBER)).isNull();
		assertThat(this.log.known(MEMBER)).as("what was heard stays").isEqualTo(3_000);
	}

}
