package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.support.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The shared tier's one-round-trip read (entry and change times in one MGET), against a real Redis: it must answer
 * exactly as reading the change times first and the entry after does, and hand over every change time it read. And
 * its one-round-trip fill of a user and their membership: it must write exactly what the two fills write apart.
 */
class RedisRoleStoreIntegrationTests {

	private static final Duration TOLERANCE = Duration.ofSeconds(1);

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
		this.store = new RedisRoleStore(this.redis, this.keys, Duration.ofMinutes(5), Duration.ofSeconds(30),
				TOLERANCE);
	}

	@Test
	void membershipReadWithItsChangeTimesAnswersAsTheTwoStepRead() {
		int served = 0;
		int refused = 0;
		for (MembershipCase grid : membershipGrid()) {
			MembershipKey key = grid.key();
			Map<String, Long> handed = new HashMap<>();

			Membership oneTrip = this.store.membership(key, handed::put).block(Duration.ofSeconds(5));
			Membership twoSteps = this.store.membership(key, Math.max(grid.memberChange(), grid.organizationChange()))
				.block(Duration.ofSeconds(5));

			assertThat(oneTrip).as("%s", grid).isEqualTo(twoSteps);
			assertThat(handed).containsExactlyInAnyOrderEntriesOf(Map.of(this.keys.membershipChange(key),
					grid.memberChange(), this.keys.organizationChange(key.organizationId()), grid.organizationChange()));
			if (oneTrip != null) {
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
	void userReadWithItsChangeTimeAnswersAsTheTwoStepRead() {
		List<String> answers = new ArrayList<>();
		int caseNumber = 0;
		for (Long change : CHANGE_TIMES) {
			String userId = "user" + caseNumber++;
			set(this.keys.user(userId), RoleValueCodec.encode(new PlatformUser(true, Set.of("admin"), false, null), NOW));
			setChange(this.keys.userChange(userId), change);
			Map<String, Long> handed = new HashMap<>();

			PlatformUser oneTrip = this.store.user(userId, handed::put).block(Duration.ofSeconds(5));

			assertThat(oneTrip).isEqualTo(this.store.user(userId, change).block(Duration.ofSeconds(5)));
			assertThat(handed).containsExactly(Map.entry(this.keys.userChange(userId), change));
			answers.add((oneTrip != null) ? "served" : "refused");
		}
		assertThat(answers).containsExactly("served", "served", "served", "refused", "refused", "refused");
	}

	@Test
	void batchReadAnswersEachMembershipAsItsOwnReadDoes() {
		List<MembershipKey> batch = new ArrayList<>();
		Map<MembershipKey, Membership> expected = new HashMap<>();
		Map<String, Long> expectedHanded = new HashMap<>();
		for (MembershipCase grid : membershipGrid()) {
			Membership own = this.store.membership(grid.key(), expectedHanded::put).block(Duration.ofSeconds(5));
			if (own != null) {
				expected.put(grid.key(), own);
			}
			batch.add(grid.key());
		}
		Map<String, Long> handed = new HashMap<>();

		Map<MembershipKey, Membership> found = this.store.memberships(batch, (key) -> 0, handed::put)
			.block(Duration.ofSeconds(5));

		assertThat(found).isEqualTo(expected);
		assertThat(handed).isEqualTo(expectedHanded);
		assertThat(found).hasSizeBetween(6, batch.size() - 6);
	}

	@Test
	void batchReadRefusesAnEntryFromBeforeAChangeKnownInProcess() {
		PlatformUser admin = new PlatformUser(true, Set.of("admin"), false, null);
		set(this.keys.user("known-change"), RoleValueCodec.encode(admin, NOW));
		set(this.keys.user("no-change"), RoleValueCodec.encode(admin, NOW));
		set(this.keys.user("old-change"), RoleValueCodec.encode(admin, NOW));
		Map<String, Long> known = Map.of("known-change", NOW + 5_000, "old-change", NOW - 60_000);

		Map<String, PlatformUser> found = this.store
			.users(List.of("known-change", "no-change", "old-change", "absent"),
					(userId) -> known.getOrDefault(userId, 0L), (key, time) -> {
					})
			.block(Duration.ofSeconds(5));

		assertThat(found).containsOnlyKeys("no-change", "old-change");
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
					setChange(this.keys.membershipChange(key), memberChange);
					setChange(this.keys.organizationChange(key.organizationId()), organizationChange);
					cases.add(new MembershipCase(key, memberChange, organizationChange, cached));
				}
			}
		}
		return cases;
	}

	@Test
	void userAndMembershipFilledTogetherAreWrittenExactlyAsFilledApart() {
		int written = 0;
		int refused = 0;
		int n = 0;
		for (long userChange : CHANGE_TIMES) {
			for (long memberChange : CHANGE_TIMES) {
				for (long organizationChange : List.of(0L, NOW - 1, NOW + 5_000)) {
					for (boolean member : List.of(true, false)) {
						MembershipKey together = new MembershipKey("together-u" + n, "together-o" + n);
						MembershipKey apart = new MembershipKey("apart-u" + n, "apart-o" + n);
						n++;
						for (MembershipKey key : List.of(together, apart)) {
							setChange(this.keys.userChange(key.userId()), userChange);
							setChange(this.keys.membershipChange(key), memberChange);
							setChange(this.keys.organizationChange(key.organizationId()), organizationChange);
						}
						PlatformUser user = member ? new PlatformUser(true, Set.of("user"), false, null)
								: PlatformUser.UNKNOWN;
						Membership membership = member ? new Membership(Set.of("staff")) : Membership.NONE;

						long bits = this.store.putUserWithMembership(together, user, membership, NOW)
							.block(Duration.ofSeconds(5));
						boolean userApart = this.store.putUser(apart.userId(), user, NOW).block(Duration.ofSeconds(5));
						boolean membershipApart = this.store.putMembership(apart, membership, NOW)
							.block(Duration.ofSeconds(5));

						String grid = "user change " + userChange + ", member change " + memberChange
								+ ", organization change " + organizationChange + ", member " + member;
						assertThat(bits).as(grid).isEqualTo((userApart ? 1L : 0L) + (membershipApart ? 2L : 0L));
						assertSameEntry(this.keys.user(together.userId()), this.keys.user(apart.userId()), grid);
						assertSameEntry(this.keys.membership(together), this.keys.membership(apart), grid);
						written += Long.bitCount(bits);
						refused += 2 - Long.bitCount(bits);
					}
				}
			}
		}
		assertThat(written).as("entries written").isPositive();
		assertThat(refused).as("entries refused").isPositive();
	}

	/** The same value (or none), and an expiry within a second of the other's (both fills just ran). */
	private void assertSameEntry(String together, String apart, String grid) {
		assertThat(this.redis.opsForValue().get(together).blockOptional(Duration.ofSeconds(5))).as(grid)
			.isEqualTo(this.redis.opsForValue().get(apart).blockOptional(Duration.ofSeconds(5)));
		assertThat(expiryMillis(together)).as(grid).isCloseTo(expiryMillis(apart), within(1000L));
	}

	private long expiryMillis(String key) {
		return this.redis.getExpire(key).blockOptional(Duration.ofSeconds(5)).map(Duration::toMillis).orElse(-1L);
	}

	private record MembershipCase(MembershipKey key, long memberChange, long organizationChange, boolean cached) {
	}

	private void set(String key, String value) {
		this.redis.opsForValue().set(key, value, Duration.ofMinutes(1)).block(Duration.ofSeconds(5));
	}

	private void setChange(String key, long time) {
		if (time > 0) {
			set(key, Long.toString(time));
		}
	}

}
