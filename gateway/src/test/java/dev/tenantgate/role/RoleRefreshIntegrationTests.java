package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The in-process tier's background refresh, against a real Redis: a value still in use is read again before it
 * expires (Caffeine's refresh-ahead), while the request that notices it is answered from memory; the refreshed value
 * gets a new deadline; an invalidation that lands during the refresh keeps the refreshed value out. The database is a
 * mock, so the test controls what it answers and when; the in-process tier runs on a ticker the test moves (time to
 * live 10 s, jittered to 8–10 s, refresh from 75 % of it). A value refreshed from Redis is decoded anew, so the test
 * tells it from the one it replaced by identity.
 */
class RoleRefreshIntegrationTests {

	private static final String USER = "u1";

	private static final PlatformUser MEMBER = new PlatformUser(true, Set.of("user"), false, null);

	private static final PlatformUser ADMIN = new PlatformUser(true, Set.of("admin"), false, null);

	/** How long the fills of Redis are waited for (on a loaded machine, the first ones of a run are slow). */
	private static final Duration FILLS = Duration.ofSeconds(20);

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

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
		// A spy, to count the round trips of the refreshes; every call goes to the real store.
		this.store = TestResolvers.spiedStore(this.testRedis);
		this.resolver = TestResolvers.overRedis(this.store, this.testRedis, this.database, this.clock,
				new CacheSettings(1000, Duration.ofSeconds(10), Duration.ofSeconds(5), this.nanos::get));
	}

	@Test
	void valueInUseIsReadAgainFromRedisAndLivesOnWithoutTheRequestWaiting() {
		given(this.database.user(USER)).willReturn(Mono.just(MEMBER));
		assertThat(lookup("postgres")).isEqualTo(MEMBER);
		awaitRedisFilled();
		assertThat(this.resolver.heldUser(USER)).isSameAs(MEMBER);

		advance(Duration.ofMillis(7_600)); // past 75 % of the longest jittered time to live
		assertThat(lookup("local")).isEqualTo(MEMBER);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.resolver.heldUser(USER) != MEMBER);
		assertThat(this.resolver.heldUser(USER)).isEqualTo(MEMBER);

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
		// Answered from memory, not waiting for the read: the old value, or the new one when the read was done
		// before Caffeine handed the answer over (it then hands over the refreshed value).
		assertThat(lookup("local")).as("answered from memory while it is read again").isIn(MEMBER, ADMIN);
		verify(this.database, timeout(5000).times(2)).user(USER);

		await().atMost(Duration.ofSeconds(5)).until(() -> ADMIN.equals(this.resolver.heldUser(USER)));
		assertThat(lookup("local")).isEqualTo(ADMIN);
	}

	// Refreshes from Redis used to be batched into one MGET; now each key is read once (no benchmark showed the
	// batch to pay).
	@Test
	void valuesDueTogetherAreEachReadAgainFromRedisOnceAndNotFromTheDatabase() {
		List<String> users = IntStream.range(0, 40).mapToObj((i) -> "batch-user-" + i).toList();
		for (String user : users) {
			given(this.database.user(user)).willReturn(Mono.just(MEMBER));
			assertThat(lookup(user, "postgres")).isEqualTo(MEMBER);
		}
		await().atMost(FILLS).until(() -> users.stream()
			.allMatch((user) -> this.redis.hasKey(this.keys.user(user)).block(Duration.ofSeconds(5))));
		assertThat(users).allMatch((user) -> this.resolver.heldUser(user) == MEMBER);
		clearInvocations(this.store);

		advance(Duration.ofMillis(7_600));
		for (String user : users) {
			assertThat(lookup(user, "local")).isEqualTo(MEMBER);
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> users.stream().allMatch((user) -> this.resolver.heldUser(user) != MEMBER));

		for (String user : users) {
			verify(this.store, times(1)).user(user);
			verify(this.database, times(1)).user(user);
		}
	}

	@Test
	void valuesGoneFromRedisTogetherAreReadAgainFromTheDatabaseAFewAtATime() {
		List<String> users = IntStream.range(0, 40).mapToObj((i) -> "expired-user-" + i).toList();
		AtomicInteger reading = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Mono<PlatformUser> slowRead = Mono.defer(() -> {
			mostAtOnce.accumulateAndGet(reading.incrementAndGet(), Math::max);
			// Counted out when the read answers, before its answer is passed on (doFinally would run after).
			return Mono.just(MEMBER).delayElement(Duration.ofMillis(20)).doOnTerminate(reading::decrementAndGet);
		});
		for (String user : users) {
			given(this.database.user(user)).willReturn(Mono.just(MEMBER), slowRead);
			assertThat(lookup(user, "postgres")).isEqualTo(MEMBER);
		}
		await().atMost(FILLS).until(() -> users.stream()
			.allMatch((user) -> this.redis.hasKey(this.keys.user(user)).block(Duration.ofSeconds(5))));
		// Written to Redis together, they expire from it together.
		this.redis.delete(Flux.fromIterable(users).map(this.keys::user)).block(Duration.ofSeconds(5));

		advance(Duration.ofMillis(7_600));
		for (String user : users) {
			assertThat(lookup(user, "local")).isEqualTo(MEMBER);
		}

		for (String user : users) {
			verify(this.database, timeout(5000).times(2)).user(user);
		}
		assertThat(mostAtOnce.get()).as("database reads at once").isBetween(1, TieredLoader.REFRESH_LOADS);
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

		assertThat(this.resolver.heldUser(USER)).as("the refresh began before the change: its answer is not kept").isNull();
		this.clock.advance(Duration.ofSeconds(2)); // past the clock tolerance after the change
		assertThat(lookup("postgres")).isEqualTo(ADMIN);
	}

	private PlatformUser lookup(String expectedSource) {
		return lookup(USER, expectedSource);
	}

	private PlatformUser lookup(String userId, String expectedSource) {
		ResolutionTrace trace = new ResolutionTrace();
		PlatformUser user = this.resolver.user(userId, trace).block(Duration.ofSeconds(5));
		assertThat(trace.userSource()).isEqualTo(expectedSource);
		return user;
	}

	private void awaitRedisFilled() {
		await().atMost(FILLS)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.redis.hasKey(this.keys.user(USER)).block(Duration.ofSeconds(5)));
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
