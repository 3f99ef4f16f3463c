package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.SharedRead;
import dev.tenantgate.support.TestRedis;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.TrustRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shared tier against a real Redis. A read hands over, in one round trip, the entry, its stamp and the change
 * times of its keys, and the trust rules applied to them serve exactly the entries written after every change plus
 * the clock tolerance (the reference). A fill is written only when no change was recorded for its keys since its read
 * began, minus the clock tolerance, and with the time to live of its kind.
 */
class RedisRoleStoreIntegrationTests {

	private static final Duration TOLERANCE = Duration.ofSeconds(1);

	private static final Duration TTL = Duration.ofMinutes(5);

	private static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);

	private static final long NOW = 1_800_000_000_000L;

	/** Change times around an entry written at {@link #NOW}: none, long before, within the tolerance, after. */
	private static final List<Long> CHANGE_TIMES = List.of(0L, NOW - 60_000, NOW - TOLERANCE.toMillis() - 1,
			NOW - TOLERANCE.toMillis(), NOW - 1, NOW + 5_000);

	@RegisterExtension
	final TestRedis testRedis = new TestRedis();

	private ReactiveStringRedisTemplate redis;

	private RedisKeys keys;

	private RedisRoleStore store;

	@BeforeEach
	void connect() {
		this.redis = this.testRedis.template();
		this.keys = this.testRedis.keys();
		this.store = new RedisRoleStore(this.redis, this.keys, TTL, NEGATIVE_TTL, TOLERANCE);
	}

	@Test
	void membershipReadHandsOverItsEntryAndEveryChangeTimeAndTheRulesServeOnlyEntriesAfterTheChanges() {
		int served = 0;
		int refused = 0;
		for (MembershipCase grid : membershipGrid()) {
			SharedRead<Membership> read = this.store.membership(grid.key()).block(Duration.ofSeconds(5));

			assertThat(read).as("%s", grid)
				.isEqualTo(new SharedRead<>(grid.cached() ? Membership.of("staff") : null, grid.cached() ? NOW : 0,
						grid.memberChange(), grid.organizationChange()));
			boolean counts = read.value() != null && TrustRules.sharedEntryCounts(read.readStartedAt(),
					Math.max(read.firstChange(), read.secondChange()), 0, TOLERANCE.toMillis());
			boolean reference = grid.cached() && grid.memberChange() < NOW - TOLERANCE.toMillis()
					&& grid.organizationChange() < NOW - TOLERANCE.toMillis();
			assertThat(counts).as("%s", grid).isEqualTo(reference);
			if (counts) {
				served++;
			}
			else if (grid.cached()) {
				refused++;
			}
		}
		// Neither side is vacuous: entries are served and entries from before a change are refused.
		assertThat(served).isGreaterThan(5);
		assertThat(refused).isGreaterThan(5);
	}

	@Test
	void userReadHandsOverItsEntryAndItsChangeTime() {
		PlatformUser admin = new PlatformUser(true, Set.of("admin"), false, null);
		List<String> answers = new ArrayList<>();
		int caseNumber = 0;
		for (Long change : CHANGE_TIMES) {
			String userId = "user" + caseNumber++;
			set(this.keys.user(userId), RoleValueCodec.encode(admin, NOW));
			setChange(new ChangeKey.User(userId), change);

			SharedRead<PlatformUser> read = this.store.user(userId).block(Duration.ofSeconds(5));

			assertThat(read).isEqualTo(new SharedRead<>(admin, NOW, change, 0));
			answers.add(TrustRules.sharedEntryCounts(read.readStartedAt(), read.firstChange(), 0, TOLERANCE.toMillis())
					? "served" : "refused");
		}
		assertThat(answers).containsExactly("served", "served", "served", "refused", "refused", "refused");
		assertThat(this.store.user("absent").block(Duration.ofSeconds(5))).isEqualTo(new SharedRead<>(null, 0, 0, 0));
	}

	@Test
	void valueThatDoesNotDecodeIsAMissAndAChangeTimeThatIsNotATimeCountsAsAChangeNow() {
		set(this.keys.user("malformed"), "admin|x");
		assertThat(this.store.user("malformed").block(Duration.ofSeconds(5)).value()).isNull();

		set(this.keys.user("odd-change"), RoleValueCodec.encode(PlatformUser.UNKNOWN, NOW));
		set(this.keys.change(new ChangeKey.User("odd-change")), "soon");
		SharedRead<PlatformUser> read = this.store.user("odd-change").block(Duration.ofSeconds(5));
		assertThat(read.value()).isEqualTo(PlatformUser.UNKNOWN);
		assertThat(TrustRules.sharedEntryCounts(read.readStartedAt(), read.firstChange(), 0, TOLERANCE.toMillis()))
			.isFalse();
	}

	@Test
	void fillIsWrittenOnlyWhenNoChangeWasRecordedSinceItsReadBeganMinusTheTolerance() {
		int written = 0;
		int refused = 0;
		int n = 0;
		for (long userChange : CHANGE_TIMES) {
			for (boolean positive : List.of(true, false)) {
				String userId = "fill-u" + n++;
				setChange(new ChangeKey.User(userId), userChange);
				PlatformUser user = positive ? new PlatformUser(true, Set.of("user"), false, null) : PlatformUser.UNKNOWN;

				boolean put = this.store.putUser(userId, user, NOW).block(Duration.ofSeconds(5));

				String grid = "user change " + userChange + ", positive " + positive;
				assertThat(put).as(grid).isEqualTo(userChange < NOW - TOLERANCE.toMillis());
				assertEntry(this.keys.user(userId), put ? RoleValueCodec.encode(user, NOW) : null,
						positive ? TTL : NEGATIVE_TTL, grid);
				written += put ? 1 : 0;
				refused += put ? 0 : 1;
			}
		}
		for (long memberChange : CHANGE_TIMES) {
			for (long organizationChange : CHANGE_TIMES) {
				for (boolean positive : List.of(true, false)) {
					MembershipKey key = new MembershipKey("fill-m" + n, "fill-o" + n);
					n++;
					setChange(key.change(), memberChange);
					setChange(key.organizationChange(), organizationChange);
					Membership membership = positive ? new Membership(Set.of("staff")) : Membership.NONE;

					boolean put = this.store.putMembership(key, membership, NOW).block(Duration.ofSeconds(5));

					String grid = "member change " + memberChange + ", organization change " + organizationChange
							+ ", positive " + positive;
					assertThat(put).as(grid).isEqualTo(memberChange < NOW - TOLERANCE.toMillis()
							&& organizationChange < NOW - TOLERANCE.toMillis());
					assertEntry(this.keys.membership(key), put ? RoleValueCodec.encode(membership, NOW) : null,
							positive ? TTL : NEGATIVE_TTL, grid);
					written += put ? 1 : 0;
					refused += put ? 0 : 1;
				}
			}
		}
		assertThat(written).as("entries written").isPositive();
		assertThat(refused).as("entries refused").isPositive();
	}

	@Test
	void evictionsDropTheirEntriesAndNoOther() {
		MembershipKey a = new MembershipKey("ev-a", "ev-org");
		MembershipKey b = new MembershipKey("ev-b", "ev-org");
		MembershipKey elsewhere = new MembershipKey("ev-a", "ev-other");
		for (MembershipKey key : List.of(a, b, elsewhere)) {
			this.store.putMembership(key, Membership.of("staff"), NOW).block(Duration.ofSeconds(5));
		}
		this.store.putUser("ev-a", PlatformUser.UNKNOWN, NOW).block(Duration.ofSeconds(5));

		assertThat(this.store.evictOrganization("ev-org").block(Duration.ofSeconds(5))).isEqualTo(2);
		assertThat(this.store.membership(a).block(Duration.ofSeconds(5)).value()).isNull();
		assertThat(this.store.membership(b).block(Duration.ofSeconds(5)).value()).isNull();
		assertThat(this.store.membership(elsewhere).block(Duration.ofSeconds(5)).value()).isNotNull();
		assertThat(this.store.evictMembership(elsewhere).block(Duration.ofSeconds(5))).isEqualTo(1);
		assertThat(this.store.membership(elsewhere).block(Duration.ofSeconds(5)).value()).isNull();
		assertThat(this.store.evictUser("ev-a").block(Duration.ofSeconds(5))).isEqualTo(1);
		assertThat(this.store.user("ev-a").block(Duration.ofSeconds(5)).value()).isNull();
	}

	/**
	 * Every combination of a membership's change time, its organization's, and whether an entry written at
	 * {@link #NOW} is in Redis, each on a key of its own, written to Redis.
	 */
	private List<MembershipCase> membershipGrid() {
		List<MembershipCase> cases = new ArrayList<>();
		for (Long memberChange : CHANGE_TIMES) {
			for (Long organizationChange : CHANGE_TIMES) {
				for (boolean cached : List.of(true, false)) {
					MembershipKey key = new MembershipKey("u" + cases.size(), "o" + cases.size());
					if (cached) {
						set(this.keys.membership(key), RoleValueCodec.encode(Membership.of("staff"), NOW));
					}
					setChange(key.change(), memberChange);
					setChange(key.organizationChange(), organizationChange);
					cases.add(new MembershipCase(key, memberChange, organizationChange, cached));
				}
			}
		}
		return cases;
	}

	/** The value expected (or none), with an expiry within a second of the one expected (the fill just ran). */
	private void assertEntry(String key, String expected, Duration expiry, String grid) {
		assertThat(this.redis.opsForValue().get(key).blockOptional(Duration.ofSeconds(5))).as(grid)
			.isEqualTo(Optional.ofNullable(expected));
		if (expected != null) {
			assertThat(this.redis.getExpire(key).block(Duration.ofSeconds(5)).toMillis()).as(grid)
				.isCloseTo(expiry.toMillis(), within(1000L));
		}
	}

	private record MembershipCase(MembershipKey key, long memberChange, long organizationChange, boolean cached) {
	}

	private void set(String key, String value) {
		this.redis.opsForValue().set(key, value, Duration.ofMinutes(1)).block(Duration.ofSeconds(5));
	}

	private void setChange(ChangeKey key, long time) {
		if (time > 0) {
			set(this.keys.change(key), Long.toString(time));
		}
	}

}
