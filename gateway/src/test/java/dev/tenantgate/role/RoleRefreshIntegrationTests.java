package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.local.LocalEntry;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.role.redis.RedisChangeTimes;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.support.MutableClock;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The in-process tier's background refresh, against a real Redis: a value still in use is read again before it
 * expires, while the request that notices it is answered from memory; the refreshed value gets a new deadline; an
 * invalidation that lands during the refresh keeps the refreshed value out. The database is a mock, so the test
 * controls what it answers and when; the in-process tier runs on a ticker the test moves (time to live 10 s,
 * jittered to 8–10 s, refresh from 75 % of it).
 */
class RoleRefreshIntegrationTests {

	private static final String USER = "u1";

	private static final PlatformUser MEMBER = new PlatformUser(true, Set.of("user"), false, null);

	private static final PlatformUser ADMIN = new PlatformUser(true, Set.of("admin"), false, null);

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final MutableClock clock = new MutableClock(Instant.now());

	private final LocalRoleCache local = new LocalRoleCache(1000, Duration.ofSeconds(10), Duration.ofSeconds(5),
			this.nanos::get);

	private final BetterAuthRepository database = mock(BetterAuthRepository.class);

	@RegisterExtension
	final TestRedis testRedis = new TestRedis();

	private ReactiveStringRedisTemplate redis;

	private RedisKeys keys;

	private RoleResolver resolver;

	@BeforeEach
	void connect() {
		this.redis = this.testRedis.template();
		this.keys = this.testRedis.keys();
		RedisRoleStore store = new RedisRoleStore(this.redis, this.keys, Duration.ofMinutes(5), Duration.ofMinutes(1),
				Duration.ofSeconds(1));
		RedisChangeTimes changes = new RedisChangeTimes(this.redis, Duration.ofMinutes(30), Duration.ofMinutes(1), 1000);
		this.resolver = new RoleResolver(this.local, store, changes, this.keys, this.database,
				TestGuards.permissive("redis", Duration.ofSeconds(2)),
				TestGuards.permissive("postgres", Duration.ofSeconds(5)), this.clock);
	}

	@Test
	void valueInUseIsReadAgainFromRedisAndLivesOnWithoutTheRequestWaiting() {
		given(this.database.user(USER)).willReturn(Mono.just(MEMBER));
		assertThat(lookup("postgres")).isEqualTo(MEMBER);
		awaitRedisFilled();
		LocalEntry<PlatformUser> first = this.local.userEntry(USER);

		advance(Duration.ofMillis(7_600)); // past 75 % of the longest jittered time to live
		assertThat(lookup("local")).isEqualTo(MEMBER);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.local.userEntry(USER) != first);

		advance(Duration.ofSeconds(3)); // 10.6 s after the first fill: its own deadline has passed
		assertThat(lookup("local")).isEqualTo(MEMBER);
		verify(this.database, times(1)).user(USER);
	}

	@Test
	void valueNoLongerInRedisIsReadAgainFromTheDatabase() {
		given(this.database.user(USER)).willReturn(Mono.just(MEMBER), Mono.just(ADMIN));
		assertThat(lookup("postgres")).isEqualTo(MEMBER);
		awaitRedisFilled();
		this.redis.delete(this.keys.user(USER)).block(Duration.ofSeconds(5));

		advance(Duration.ofMillis(7_600));
		assertThat(lookup("local")).as("answered from memory while it is read again").isEqualTo(MEMBER);
		verify(this.database, timeout(5000).times(2)).user(USER);

		await().atMost(Duration.ofSeconds(5)).until(() -> ADMIN.equals(this.local.user(USER)));
		assertThat(lookup("local")).isEqualTo(ADMIN);
	}

	@Test
	void invalidationDuringTheRefreshKeepsTheRefreshedValueOut() {
		Sinks.One<PlatformUser> refreshRead = Sinks.one();
		given(this.database.user(USER)).willReturn(Mono.just(MEMBER), refreshRead.asMono(), Mono.just(ADMIN));
		assertThat(lookup("postgres")).isEqualTo(MEMBER);
		awaitRedisFilled();
		this.redis.delete(this.keys.user(USER)).block(Duration.ofSeconds(5));

		advance(Duration.ofMillis(7_600));
		assertThat(lookup("local")).isEqualTo(MEMBER);
		verify(this.database, timeout(5000).times(2)).user(USER);
		this.clock.advance(Duration.ofMillis(10));
		this.resolver.userChanged(USER, this.clock.millis()).block(Duration.ofSeconds(5));
		refreshRead.tryEmitValue(MEMBER).orThrow();

		assertThat(this.local.user(USER)).as("the refresh began before the change: its answer is not kept").isNull();
		this.clock.advance(Duration.ofSeconds(2)); // past the clock tolerance after the change
		assertThat(lookup("postgres")).isEqualTo(ADMIN);
	}

	private PlatformUser lookup(String expectedSource) {
		ResolutionTrace trace = new ResolutionTrace();
		PlatformUser user = this.resolver.user(USER, trace).block(Duration.ofSeconds(5));
		assertThat(trace.userSource()).isEqualTo(expectedSource);
		return user;
	}

	private void awaitRedisFilled() {
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.redis.hasKey(this.keys.user(USER)).block(Duration.ofSeconds(5)));
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
