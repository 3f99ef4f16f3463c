package dev.tenantgate.role.local;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deadlines of the in-process tier, on a ticker the test moves: a value lives at most its time to live (10 s here,
 * jittered down to no less than 8 s), is due for a background refresh after 75 % of it, and only a fill that was
 * not refused gives a key a new deadline.
 */
class LocalRoleCacheTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final MembershipKey KEY = new MembershipKey("u1", "acme");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final LocalRoleCache cache = new LocalRoleCache(1000, TTL, Duration.ofSeconds(5), this.nanos::get);

	@Test
	void valueIsServedUntilItsTimeToLiveAndNeverAfter() {
		this.cache.putMembership(KEY, Membership.of("viewer"), this.cache.generation());

		advance(Duration.ofMillis(7_900));
		assertThat(this.cache.membership(KEY)).isEqualTo(Membership.of("viewer"));
		advance(Duration.ofMillis(2_101));
		assertThat(this.cache.membership(KEY)).isNull();
	}

	@Test
	void refreshIsDueOnceAfterThreeQuartersOfTheTimeToLive() {
		this.cache.putMembership(KEY, Membership.of("viewer"), this.cache.generation());
		LocalEntry<Membership> entry = this.cache.membershipEntry(KEY);

		advance(Duration.ofMillis(5_900)); // before 75 % of the shortest jittered time to live (8 s)
		assertThat(this.cache.claimRefresh(entry)).isFalse();
		advance(Duration.ofMillis(1_600)); // past 75 % of the longest (10 s)
		assertThat(this.cache.claimRefresh(entry)).isTrue();
		assertThat(this.cache.claimRefresh(entry)).as("claimed once only").isFalse();
		assertThat(this.cache.membership(KEY)).as("still served while it is read again").isNotNull();
	}

	@Test
	void acceptedFillGivesTheKeyANewDeadline() {
		this.cache.putMembership(KEY, Membership.of("viewer"), this.cache.generation());
		advance(Duration.ofSeconds(7));

		this.cache.putMembership(KEY, Membership.of("staff"), this.cache.generation());
		advance(Duration.ofSeconds(7)); // 14 s after the first fill, 7 s after the second

		assertThat(this.cache.membership(KEY)).isEqualTo(Membership.of("staff"));
	}

	@Test
	void refusedFillKeepsTheOldValueAndItsOldDeadline() {
		this.cache.putMembership(KEY, Membership.of("viewer"), this.cache.generation());
		long before = this.cache.generation();
		advance(Duration.ofSeconds(7));
		this.cache.evictUser("someone else"); // an invalidation: fills that began before it are refused

		this.cache.putMembership(KEY, Membership.of("staff"), before);
		assertThat(this.cache.membership(KEY)).isEqualTo(Membership.of("viewer"));
		advance(Duration.ofMillis(3_001));

		assertThat(this.cache.membership(KEY)).as("expired on its first deadline").isNull();
	}

	@Test
	void evictedKeyIsGoneAtOnce() {
		this.cache.putMembership(KEY, Membership.of("viewer"), this.cache.generation());

		this.cache.evictMembership(KEY);

		assertThat(this.cache.membershipEntry(KEY)).isNull();
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
