package dev.tenantgate.role;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeardChangesTests {

	private final HeardChanges heard = new HeardChanges(3, 1000);

	@Test
	void answersNothingBeforeListening() {
		this.heard.record("m:u:o", 5_000, 5_000);

		assertThat(this.heard.changedAfter("m:u:o", 1_000)).isNull();
		assertThat(this.heard.changedAfter("m:u:o", Long.MAX_VALUE - 1)).isNull();
	}

	@Test
	void answersForTimesFromTheSubscriptionPlusTheTolerance() {
		this.heard.listeningSince(10_000);
		this.heard.record("m:u:o", 20_000, 20_000);

		assertThat(this.heard.changedAfter("m:u:o", 10_999)).isNull();
		assertThat(this.heard.changedAfter("m:u:o", 11_000)).isTrue();
		assertThat(this.heard.changedAfter("m:u:o", 19_999)).isTrue();
		assertThat(this.heard.changedAfter("m:u:o", 20_000)).isFalse();
		assertThat(this.heard.changedAfter("m:u:other", 11_000)).isFalse();
	}

	@Test
	void keepsTheLatestTimeOfAKey() {
		this.heard.listeningSince(0);
		this.heard.record("u:1", 9_000, 9_000);
		this.heard.record("u:1", 4_000, 9_500);

		assertThat(this.heard.changedAfter("u:1", 8_000)).isTrue();
	}

	@Test
	void stopsAnsweringWhenNotListeningAndResumesFromTheNewSubscription() {
		this.heard.listeningSince(0);
		this.heard.listeningSince(Long.MAX_VALUE);

		assertThat(this.heard.changedAfter("u:1", 50_000)).isNull();

		this.heard.listeningSince(60_000);
		assertThat(this.heard.changedAfter("u:1", 50_000)).isNull();
		assertThat(this.heard.changedAfter("u:1", 61_000)).isFalse();
	}

	@Test
	void reachingTheSizeBoundForgetsAndAnswersOnlyAfterIt() {
		this.heard.listeningSince(0);
		this.heard.record("a", 2_000, 2_000);
		this.heard.record("b", 3_000, 3_000);
		this.heard.record("c", 4_000, 4_000);
		this.heard.record("c", 4_500, 4_500); // a known key: no overflow
		assertThat(this.heard.changedAfter("a", 1_500)).isTrue();

		this.heard.record("d", 7_000, 7_000);

		assertThat(this.heard.size()).isEqualTo(1);
		assertThat(this.heard.completeFrom()).isEqualTo(8_000);
		assertThat(this.heard.changedAfter("a", 1_500)).isNull();
		assertThat(this.heard.changedAfter("a", 8_000)).isFalse();
		assertThat(this.heard.changedAfter("d", 8_000)).isFalse();
	}

	@Test
	void keysOfDifferentKindsNeverAlias() {
		this.heard.listeningSince(0);
		this.heard.record(HeardChanges.user("x"), 5_000, 5_000);

		assertThat(this.heard.changedAfter(HeardChanges.user("x"), 4_000)).isTrue();
		assertThat(this.heard.changedAfter(HeardChanges.organization("x"), 4_000)).isFalse();
		assertThat(this.heard.changedAfter(HeardChanges.membership(new MembershipKey("x", "x")), 4_000)).isFalse();
		assertThat(this.heard.changedAfter("x", 4_000)).isFalse();
	}

}
