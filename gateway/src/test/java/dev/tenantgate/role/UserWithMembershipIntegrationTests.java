package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.local.LocalRoleCache;
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
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A user and their membership looked up together ({@link RoleResolver#userAndMembership}), against a real Redis: when
 * neither is held in-process, one Redis round trip and one database query answer both, and both are filled into
 * every tier (Redis in one write); what Redis holds is not read again from the database; a database failure fails both closed; a change
 * recorded while the read is under way keeps its answer out of the in-process tier. The database is a mock, so the
 * test counts its queries and controls when they answer.
 */
class UserWithMembershipIntegrationTests {

	private static final MembershipKey KEY = new MembershipKey("u1", "o1");

	private static final PlatformUser USER = new PlatformUser(true, Set.of("user"), false, null);

	private static final Membership STAFF = new Membership(Set.of("staff"));

	private final MutableClock clock = new MutableClock(Instant.now());

	private final LocalRoleCache local = new LocalRoleCache(1000, Duration.ofMinutes(1), Duration.ofSeconds(30));

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
		// A spy, to count the round trips; every call goes to the real store.
		this.store = TestResolvers.spiedStore(this.testRedis);
		this.resolver = TestResolvers.overRedis(this.local, this.store, this.testRedis, this.database, this.clock);
	}

	@Test
	void neitherHeldAnywhereIsOneRedisReadAndOneQueryThenEveryTierHoldsBoth() {
		given(this.database.userWithMembership(KEY)).willReturn(Mono.just(new UserWithMembership(USER, STAFF)));

		ResolutionTrace trace = new ResolutionTrace();
		assertThat(lookUp(trace)).isEqualTo(new UserWithMembership(USER, STAFF));
		assertThat(trace.userSource()).isEqualTo("postgres");
		assertThat(trace.membershipSource()).isEqualTo("postgres");
		verify(this.store, times(1)).userWithMembership(any(), anyLong(), anyLong(), any());
		verify(this.store, never()).user(anyString(), any());
		verify(this.store, never()).membership(any(), any());
		verify(this.database, never()).user(anyString());
		verify(this.database, never()).membership(any());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.redis.hasKey(this.keys.user(KEY.userId())).block(Duration.ofSeconds(5))
					&& this.redis.hasKey(this.keys.membership(KEY)).block(Duration.ofSeconds(5)));
		verify(this.store, times(1)).putUserWithMembership(any(), any(), any(), anyLong());
		verify(this.store, never()).putUser(anyString(), any(), anyLong());
		verify(this.store, never()).putMembership(any(), any(), anyLong());

		ResolutionTrace again = new ResolutionTrace();
		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null, again);
		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(lookups.membership()).as("the user is held in-process: the membership only if needed").isNull();
		assertThat(this.resolver.membership(KEY, null, null, again).block(Duration.ofSeconds(5))).isEqualTo(STAFF);
		assertThat(again.userSource()).isEqualTo("local");
		assertThat(again.membershipSource()).isEqualTo("local");

		this.local.evictAll();
		ResolutionTrace fromRedis = new ResolutionTrace();
		assertThat(lookUp(fromRedis)).isEqualTo(new UserWithMembership(USER, STAFF));
		assertThat(fromRedis.userSource()).isEqualTo("redis");
		assertThat(fromRedis.membershipSource()).isEqualTo("redis");
		verify(this.database, times(1)).userWithMembership(KEY);
	}

	@Test
	void partReadFromRedisIsNotQueriedAgain() {
		this.store.putUser(KEY.userId(), USER, this.clock.millis()).block(Duration.ofSeconds(5));
		given(this.database.membership(KEY)).willReturn(Mono.just(STAFF));

		ResolutionTrace trace = new ResolutionTrace();
		assertThat(lookUp(trace)).isEqualTo(new UserWithMembership(USER, STAFF));
		assertThat(trace.userSource()).isEqualTo("redis");
		assertThat(trace.membershipSource()).isEqualTo("postgres");
		verify(this.database, times(1)).membership(KEY);
		verify(this.database, never()).user(anyString());
		verify(this.database, never()).userWithMembership(any());
	}

	@Test
	void databaseFailureFailsBothClosed() {
		given(this.database.userWithMembership(KEY)).willReturn(Mono.error(new IllegalStateException("connection reset")));

		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null,
				new ResolutionTrace());
		assertThatThrownBy(() -> lookups.user().block(Duration.ofSeconds(5))).isInstanceOf(RoleUnavailableException.class);
		assertThatThrownBy(() -> lookups.membership().block(Duration.ofSeconds(5)))
			.isInstanceOf(RoleUnavailableException.class);
		assertThat(this.local.userEntry(KEY.userId())).isNull();
		assertThat(this.local.membershipEntry(KEY)).isNull();
	}

	@Test
	void changeRecordedWhileTheReadIsUnderWayKeepsThatAnswerOutOfMemory() {
		Sinks.One<UserWithMembership> answer = Sinks.one();
		given(this.database.userWithMembership(KEY)).willReturn(answer.asMono());

		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null,
				new ResolutionTrace());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> verify(this.database).userWithMembership(KEY));
		this.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));
		answer.tryEmitValue(new UserWithMembership(USER, STAFF));

		assertThat(lookups.membership().block(Duration.ofSeconds(5))).as("this request still gets what it read")
			.isEqualTo(STAFF);
		assertThat(lookups.user().block(Duration.ofSeconds(5))).isEqualTo(USER);
		assertThat(this.local.membershipEntry(KEY)).as("read before the change: not kept").isNull();
		// Both are filled in one write; the user's landing shows the membership was refused, not late.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.redis.hasKey(this.keys.user(KEY.userId())).block(Duration.ofSeconds(5)));
		assertThat(this.redis.hasKey(this.keys.membership(KEY)).block(Duration.ofSeconds(5))).isFalse();
	}

	private UserWithMembership lookUp(ResolutionTrace trace) {
		RoleResolver.UserAndMembershipLookups lookups = this.resolver.userAndMembership(KEY, null, null, trace);
		return new UserWithMembership(lookups.user().block(Duration.ofSeconds(5)),
				lookups.membership().block(Duration.ofSeconds(5)));
	}

}
