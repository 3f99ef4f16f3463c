package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.support.MutableClock;
import dev.tenantgate.support.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A user and their membership looked up for one request ({@link RoleResolver#userAndMembership}), against a real
 * Redis: on a cold request both lookups are under way at once, so the request waits for the slower of the two, not
 * for one after the other; however many requests need the same keys at once, each key is read once from Redis and
 * once from the database; a database failure fails both closed; a change recorded while the reads are under way
 * keeps the changed answer out of memory and out of Redis. The database is a mock whose answers the test completes,
 * so the reads are in flight exactly as long as the test wants.
 */
class UserAndMembershipIntegrationTests {

	private static final MembershipKey KEY = new MembershipKey("u1", "o1");

	private static final PlatformUser USER = new PlatformUser(true, Set.of("user"), false, null);

	private static final Membership STAFF = new Membership(Set.of("staff"));

	private final MutableClock clock = new MutableClock(Instant.now());

	private final BetterAuthRepository database = mock(BetterAuthRepository.class);

	@RegisterExtension
	final TestRedis testRedis = new TestRedis();

	private ReactiveStringRedisTemplate redis;

	private RedisKeys keys;

	private RedisRoleStore store;

	private RoleResolver resolver;

	@BeforeEach
	void connect() {
		this.redis = this.testRedis.template();
		this.keys = this.testRedis.keys();
		// A spy, to count the reads; every call goes to the real store.
		this.store = TestResolvers.spiedStore(this.testRedis);
		this.resolver = TestResolvers.overRedis(this.store, this.testRedis, this.database, this.clock);
	}

	@Test
	void coldRequestHasBothDatabaseReadsInFlightAtOnce() {
		Sinks.One<PlatformUser> userRead = Sinks.one();
		Sinks.One<Membership> membershipRead = Sinks.one();
		given(this.database.user(KEY.userId())).willReturn(userRead.asMono());
		given(this.database.membership(KEY)).willReturn(membershipRead.asMono());

		ResolutionTrace trace = new ResolutionTrace();
		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null, trace);

		// Neither read has answered, and both have begun.
		verify(this.database, timeout(10_000)).user(KEY.userId());
		verify(this.database, timeout(10_000)).membership(KEY);
		assertThat(lookups.membership()).isNotNull();
		membershipRead.tryEmitValue(STAFF).orThrow();
		userRead.tryEmitValue(USER).orThrow();

		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(lookups.membership().block(Duration.ofSeconds(5))).isEqualTo(STAFF);
		assertThat(trace.userSource()).isEqualTo("postgres");
		assertThat(trace.membershipSource()).isEqualTo("postgres");
		verify(this.store, times(1)).user(KEY.userId());
		verify(this.store, times(1)).membership(KEY);
	}

	@Test
	void concurrentColdRequestsReadEachKeyOnceFromEachTier() {
		List<MembershipKey> keys = IntStream.range(0, 20).mapToObj((i) -> new MembershipKey("cu" + i, "co" + (i % 3)))
			.toList();
		List<Sinks.One<PlatformUser>> userReads = new ArrayList<>();
		List<Sinks.One<Membership>> membershipReads = new ArrayList<>();
		for (MembershipKey key : keys) {
			Sinks.One<PlatformUser> userRead = Sinks.one();
			Sinks.One<Membership> membershipRead = Sinks.one();
			given(this.database.user(key.userId())).willReturn(userRead.asMono());
			given(this.database.membership(key)).willReturn(membershipRead.asMono());
			userReads.add(userRead);
			membershipReads.add(membershipRead);
		}

		// 100 requests in flight, five for each key, all while the database has not answered.
		List<RoleResolver.UserAndMembershipLookups> requests = new ArrayList<>();
		for (int round = 0; round < 5; round++) {
			for (MembershipKey key : keys) {
				requests.add(this.resolver.userAndMembership(key, null, null, new ResolutionTrace()));
			}
		}
		for (MembershipKey key : keys) {
			verify(this.database, timeout(10_000)).user(key.userId());
			verify(this.database, timeout(10_000)).membership(key);
		}
		for (int i = 0; i < keys.size(); i++) {
			userReads.get(i).tryEmitValue(USER).orThrow();
			membershipReads.get(i).tryEmitValue(STAFF).orThrow();
		}

		for (RoleResolver.UserAndMembershipLookups request : requests) {
			assertThat(request.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
			assertThat(request.membership()).as("a request that started cold looks both up").isNotNull();
			assertThat(request.membership().block(Duration.ofSeconds(5))).isEqualTo(STAFF);
		}
		for (MembershipKey key : keys) {
			verify(this.database, times(1)).user(key.userId());
			verify(this.database, times(1)).membership(key);
			verify(this.store, times(1)).user(key.userId());
			verify(this.store, times(1)).membership(key);
		}
	}

	@Test
	void userHeldInProcessLeavesTheMembershipToBeLookedUpOnlyIfNeeded() {
		given(this.database.user(KEY.userId())).willReturn(Mono.just(USER));
		given(this.database.membership(KEY)).willReturn(Mono.just(STAFF));
		RoleResolver.UserAndMembershipLookups cold = this.resolver.userAndMembership(KEY, null, null,
				new ResolutionTrace());
		assertThat(cold.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(cold.membership().block(Duration.ofSeconds(5))).isEqualTo(STAFF);

		ResolutionTrace again = new ResolutionTrace();
		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null, again);
		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(lookups.membership()).as("the user is held in-process: the membership only if needed").isNull();
		assertThat(this.resolver.membership(KEY, null, null, again).block(Duration.ofSeconds(5))).isEqualTo(STAFF);
		assertThat(again.userSource()).isEqualTo("local");
		assertThat(again.membershipSource()).isEqualTo("local");
		verify(this.database, times(1)).user(KEY.userId());
		verify(this.database, times(1)).membership(KEY);
	}

	@Test
	void partReadFromRedisIsNotQueriedAgain() {
		this.store.putUser(KEY.userId(), USER, this.clock.millis()).block(Duration.ofSeconds(5));
		given(this.database.membership(KEY)).willReturn(Mono.just(STAFF));

		ResolutionTrace trace = new ResolutionTrace();
		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null, trace);
		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(lookups.membership().block(Duration.ofSeconds(5))).isEqualTo(STAFF);
		assertThat(trace.userSource()).isEqualTo("redis");
		assertThat(trace.membershipSource()).isEqualTo("postgres");
		verify(this.database, times(1)).membership(KEY);
		verify(this.database, never()).user(anyString());
	}

	@Test
	void databaseFailureFailsBothClosed() {
		given(this.database.user(KEY.userId())).willReturn(Mono.error(new IllegalStateException("connection reset")));
		given(this.database.membership(KEY)).willReturn(Mono.error(new IllegalStateException("connection reset")));

		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null,
				new ResolutionTrace());
		assertThatThrownBy(() -> lookups.user().block(Duration.ofSeconds(5))).isInstanceOf(RoleUnavailableException.class);
		assertThatThrownBy(() -> lookups.membership().block(Duration.ofSeconds(5)))
			.isInstanceOf(RoleUnavailableException.class);
		assertThat(this.resolver.heldUser(KEY.userId())).isNull();
		assertThat(this.resolver.heldMembership(KEY)).isNull();
	}

	@Test
	void changeRecordedWhileTheReadsAreUnderWayKeepsThatAnswerOutOfMemoryAndRedis() {
		Sinks.One<PlatformUser> userRead = Sinks.one();
		Sinks.One<Membership> membershipRead = Sinks.one();
		given(this.database.user(KEY.userId())).willReturn(userRead.asMono());
		given(this.database.membership(KEY)).willReturn(membershipRead.asMono());

		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null,
				new ResolutionTrace());
		verify(this.database, timeout(10_000)).user(KEY.userId());
		verify(this.database, timeout(10_000)).membership(KEY);
		this.clock.advance(Duration.ofMillis(10));
		this.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));
		membershipRead.tryEmitValue(STAFF).orThrow();
		userRead.tryEmitValue(USER).orThrow();

		assertThat(lookups.membership().block(Duration.ofSeconds(5))).as("this request still gets what it read")
			.isEqualTo(STAFF);
		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(this.resolver.heldMembership(KEY)).as("read before the change: not kept").isNull();
		assertThat(this.resolver.heldUser(KEY.userId())).as("the user did not change").isEqualTo(USER);
		// The membership's fill was sent before the user's: the user's landing shows the membership's was refused.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.redis.hasKey(this.keys.user(KEY.userId())).block(Duration.ofSeconds(5)));
		assertThat(this.redis.hasKey(this.keys.membership(KEY)).block(Duration.ofSeconds(5))).isFalse();
	}

}
