package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.tenantgate.role.db.BetterAuthRepository;
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
 * The read-invalidate-write race of the role tiers (issue 3, "no stale refill"), against a real Redis: a database
 * read that is in flight when an invalidation lands must not put its old answer back into the in-process cache or
 * into Redis. The database tier is a mock whose answer is a {@link Sinks.One} the test completes, so the read is in
 * flight exactly as long as the test wants.
 * <p>
 * Two guarantees keep a stale answer out of the in-process tier, and each test below fails without the one it names:
 * dropping a key drops its load in flight (Caffeine does not put back a load whose entry was removed), and a
 * database answer read within the quiet period after a known change is not kept ({@code TrustRules.mayKeep}). A
 * change heard while a read is in flight trips both.
 * <p>
 * The resolvers share a clock the test moves forward by hand: the Redis fill guard refuses a fill whose read began
 * less than the clock tolerance (1 s) after the latest recorded change, so the "next read" steps move the clock past
 * that tolerance instead of sleeping.
 */
class RoleResolverRaceIntegrationTests {

	private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);

	/** How long a fire-and-forget Redis fill is given to land (it takes a few milliseconds when it does). */
	private static final Duration FILL_CHANCE = Duration.ofMillis(200);

	private static final MembershipKey KEY = new MembershipKey("u1", "acme");

	private final MutableClock clock = new MutableClock(Instant.now());

	@RegisterExtension
	final TestRedis testRedis = new TestRedis();

	private ReactiveStringRedisTemplate redis;

	private RedisKeys keys;

	@BeforeEach
	void connect() {
		this.redis = this.testRedis.template();
		this.keys = this.testRedis.keys();
	}

	@Test // issue-3
	void invalidationDuringDatabaseReadLeavesNoStaleEntryInEitherTier() throws Exception {
		Instance gateway = new Instance();
		Sinks.One<Membership> oldRead = Sinks.one();
		Sinks.One<Membership> newRead = Sinks.one();
		given(gateway.database.membership(KEY)).willReturn(oldRead.asMono(), newRead.asMono());

		CompletableFuture<Membership> inFlight = gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).toFuture();
		verify(gateway.database, timeout(10_000)).membership(KEY);
		this.clock.advance(Duration.ofMillis(10));
		gateway.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));
		oldRead.tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		Thread.sleep(FILL_CHANCE.toMillis());
		assertThat(gateway.resolver.heldMembership(KEY)).isNull();
		assertThat(redisValue(KEY)).isNull();

		this.clock.advance(CLOCK_TOLERANCE.plusSeconds(1));
		CompletableFuture<Membership> next = gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).toFuture();
		verify(gateway.database, timeout(10_000).times(2)).membership(KEY);
		newRead.tryEmitValue(Membership.of("viewer")).orThrow();

		assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("viewer"));
		assertThat(gateway.resolver.heldMembership(KEY)).isEqualTo(Membership.of("viewer"));
		awaitRedisValue(KEY, "viewer@" + this.clock.millis());
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		verify(gateway.database, times(2)).membership(KEY);
	}

	@Test // issue-3
	void databaseAnswerReadJustAfterAChangeIsNotCachedInProcessSinceAReplicaMayLag() {
		Instance gateway = new Instance();
		given(gateway.database.membership(KEY)).willReturn(Mono.just(Membership.of("staff")),
				Mono.just(Membership.of("viewer")), Mono.just(Membership.of("viewer")));
		gateway.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));

		this.clock.advance(Duration.ofMillis(500)); // within the quiet period: a lagging replica's answer
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		// The request is answered as the load completes, and the cache applies the answer's lifetime (none) just after.
		awaitNotHeld(gateway);

		this.clock.advance(CLOCK_TOLERANCE.plusSeconds(1)); // past it: cached
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		assertThat(gateway.resolver.heldMembership(KEY)).isEqualTo(Membership.of("viewer"));
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		verify(gateway.database, times(2)).membership(KEY);
	}

	@Test // issue-3
	void changeDropsTheAnswerHeldInProcessSoTheNextRequestReadsIt() {
		Instance gateway = new Instance();
		given(gateway.database.membership(KEY)).willReturn(Mono.just(Membership.of("staff")),
				Mono.just(Membership.of("viewer")));
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		assertThat(gateway.resolver.heldMembership(KEY)).isEqualTo(Membership.of("staff"));

		this.clock.advance(Duration.ofMillis(10));
		gateway.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));

		assertThat(gateway.resolver.heldMembership(KEY)).isNull();
		this.clock.advance(CLOCK_TOLERANCE.plusSeconds(1));
		ResolutionTrace trace = new ResolutionTrace();
		assertThat(gateway.resolver.membership(KEY, null, null, trace).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		assertThat(trace.membershipSource()).isEqualTo("postgres");
	}

	@Test // issue-3
	void invalidationOnAnotherInstanceDuringDatabaseReadKeepsStaleEntryOutOfRedis() throws Exception {
		Instance reader = new Instance();
		Instance invalidator = new Instance();
		Sinks.One<Membership> oldRead = Sinks.one();
		given(reader.database.membership(KEY)).willReturn(oldRead.asMono());
		given(invalidator.database.membership(KEY)).willReturn(Mono.just(Membership.of("viewer")));

		CompletableFuture<Membership> inFlight = reader.resolver.membership(KEY, null, null, new ResolutionTrace()).toFuture();
		verify(reader.database, timeout(10_000)).membership(KEY);
		this.clock.advance(Duration.ofMillis(10));
		invalidator.resolver.membershipChanged(KEY, this.clock.millis()).block(Duration.ofSeconds(5));
		oldRead.tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		Thread.sleep(FILL_CHANCE.toMillis());
		assertThat(redisValue(KEY)).isNull();

		// The invalidating instance therefore reads the database, not the reader's old answer.
		this.clock.advance(CLOCK_TOLERANCE.plusSeconds(1));
		assertThat(invalidator.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		verify(invalidator.database).membership(KEY);
		awaitRedisValue(KEY, "viewer@" + this.clock.millis());
	}

	@Test
	void databaseReadWithoutInvalidationFillsBothTiers() throws Exception {
		Instance gateway = new Instance();
		Sinks.One<Membership> read = Sinks.one();
		given(gateway.database.membership(KEY)).willReturn(read.asMono());

		long readStartedAt = this.clock.millis();
		CompletableFuture<Membership> lookup = gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).toFuture();
		verify(gateway.database, timeout(10_000)).membership(KEY);
		this.clock.advance(Duration.ofMillis(10));
		read.tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(lookup.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(gateway.resolver.heldMembership(KEY)).isEqualTo(Membership.of("staff"));
		// Stamped with when the read began, not when it was written.
		awaitRedisValue(KEY, "staff@" + readStartedAt);
	}

	@Test
	void databaseReadWithoutInvalidationServesOtherInstancesFromRedis() {
		Instance first = new Instance();
		Instance second = new Instance();
		given(first.database.membership(KEY)).willReturn(Mono.just(Membership.of("staff")));

		assertThat(first.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		awaitRedisValue(KEY, "staff@" + this.clock.millis());

		assertThat(second.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		verify(second.database, times(0)).membership(KEY);
	}

	@Test
	void gapNotReplayedIgnoresRedisEntriesStampedBeforeAndUsesThoseStampedAfter() throws Exception {
		Instance gateway = new Instance();
		given(gateway.database.membership(KEY)).willReturn(Mono.just(Membership.of("staff")),
				Mono.just(Membership.of("viewer")));

		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		long writtenBefore = this.clock.millis();
		awaitRedisValue(KEY, "staff@" + writtenBefore);

		this.clock.advance(Duration.ofMillis(1));
		long since = this.clock.millis();
		gateway.resolver.gapNotReplayed(since);
		assertThat(gateway.resolver.heldMembership(KEY)).isNull();

		this.clock.advance(Duration.ofMillis(5));
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		verify(gateway.database, times(2)).membership(KEY);
		awaitRedisValue(KEY, "viewer@" + this.clock.millis());

		// An instance that missed the same gap, with nothing held in-process, takes the entry read after it.
		Instance other = new Instance();
		other.resolver.gapNotReplayed(since);
		ResolutionTrace trace = new ResolutionTrace();
		assertThat(other.resolver.membership(KEY, null, null, trace).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		assertThat(trace.membershipSource()).isEqualTo("redis");
		verify(other.database, times(0)).membership(KEY);
	}

	// No change is known for the key, so only the dropped load keeps its answer out of memory; in Redis, the entry is
	// stamped with when its read began, so a read in flight across the gap is not trusted.
	@Test
	void gapNotReplayedDropsAReadInFlightAcrossItFromBothTiers() throws Exception {
		Instance gateway = new Instance();
		Sinks.One<Membership> readDuringGap = Sinks.one();
		given(gateway.database.membership(KEY)).willReturn(readDuringGap.asMono(), Mono.just(Membership.of("viewer")));

		CompletableFuture<Membership> inFlight = gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).toFuture();
		verify(gateway.database, timeout(10_000)).membership(KEY);
		this.clock.advance(Duration.ofMillis(10));
		gateway.resolver.gapNotReplayed(this.clock.millis());
		this.clock.advance(Duration.ofMillis(10));
		readDuringGap.tryEmitValue(Membership.of("staff")).orThrow();
		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(gateway.resolver.heldMembership(KEY)).isNull();
		Thread.sleep(FILL_CHANCE.toMillis());

		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("viewer"));
		verify(gateway.database, times(2)).membership(KEY);
	}

	@Test
	void gapNotReplayedUsesRedisEntryStampedExactlyThen() {
		Instance gateway = new Instance();
		given(gateway.database.membership(KEY)).willReturn(Mono.just(Membership.of("staff")));
		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		awaitRedisValue(KEY, "staff@" + this.clock.millis());

		gateway.resolver.gapNotReplayed(this.clock.millis());

		assertThat(gateway.resolver.membership(KEY, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5)))
			.isEqualTo(Membership.of("staff"));
		verify(gateway.database, times(1)).membership(KEY);
	}

	/** Not held in-process, once the load that answered has settled (a kept answer would stay for a minute). */
	private static void awaitNotHeld(Instance gateway) {
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(gateway.resolver.heldMembership(KEY)).isNull());
	}

	private String redisValue(MembershipKey key) {
		return this.redis.opsForValue().get(this.keys.membership(key)).block(Duration.ofSeconds(5));
	}

	private void awaitRedisValue(MembershipKey key, String expected) {
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(redisValue(key)).isEqualTo(expected));
	}

	/** One gateway instance: its own in-process tier and trust model, the shared Redis and clock. */
	private final class Instance {

		final BetterAuthRepository database = mock(BetterAuthRepository.class);

		final RoleResolver resolver;

		Instance() {
			RoleResolverRaceIntegrationTests outer = RoleResolverRaceIntegrationTests.this;
			RedisRoleStore store = new RedisRoleStore(outer.redis, outer.keys, Duration.ofMinutes(5),
					Duration.ofMinutes(1), CLOCK_TOLERANCE);
			this.resolver = new RoleResolver(TestResolvers.trust(TestResolvers.changeTimes(outer.testRedis), outer.clock),
					store, this.database, TestGuards.permissive("redis", Duration.ofSeconds(2)),
					TestGuards.permissive("postgres", Duration.ofSeconds(5)), outer.clock,
					new CacheSettings(1000, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		}

	}

}
