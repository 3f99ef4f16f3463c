package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.redis.RedisChangeTimes;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestRedis;
import dev.tenantgate.trust.SharedChangeTimes;
import dev.tenantgate.trust.TrustModel;

import static org.mockito.Mockito.spy;

/** A {@link RoleResolver} over a real Redis (the shared tier and the change times) and a given database. */
final class TestResolvers {

	/** The clock tolerance between instances, as configured by default; also the quiet period after a change. */
	static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);

	/** The in-process tier as configured by default: 100,000 answers, 10 s, 5 s for negative answers. */
	static final CacheSettings CACHE = new CacheSettings(100_000, Duration.ofSeconds(10), Duration.ofSeconds(5));

	private TestResolvers() {
	}

	/** The shared tier as configured by default (5 min, 1 min for negative answers, 1 s clock tolerance), spied on. */
	static RedisRoleStore spiedStore(TestRedis redis) {
		return spy(store(redis));
	}

	/** The shared tier as configured by default (5 min, 1 min for negative answers, 1 s clock tolerance). */
	static RedisRoleStore store(TestRedis redis) {
		return new RedisRoleStore(redis.template(), redis.keys(), Duration.ofMinutes(5), Duration.ofMinutes(1),
				CLOCK_TOLERANCE);
	}

	/** The change times in Redis, as every instance records them. */
	static RedisChangeTimes changeTimes(TestRedis redis) {
		return new RedisChangeTimes(redis.template(), redis.keys(), Duration.ofMinutes(30), redisGuard());
	}

	/** An instance's trust model over the given change times; the feed not started yet. */
	static TrustModel trust(SharedChangeTimes changes, Clock clock) {
		return trust(changes, clock, Duration.ofSeconds(30));
	}

	/** As {@link #trust(SharedChangeTimes, Clock)}, with the given token clock skew. */
	static TrustModel trust(SharedChangeTimes changes, Clock clock, Duration tokenSkew) {
		return new TrustModel(changes, clock, CLOCK_TOLERANCE, tokenSkew, Duration.ofSeconds(10), 1000);
	}

	static RoleResolver overRedis(RedisRoleStore store, TestRedis redis, BetterAuthRepository database, Clock clock) {
		return overRedis(store, redis, database, clock, CACHE);
	}

	static RoleResolver overRedis(RedisRoleStore store, TestRedis redis, BetterAuthRepository database, Clock clock,
			CacheSettings cache) {
		return new RoleResolver(trust(changeTimes(redis), clock), store, database, redisGuard(),
				TestGuards.permissive("postgres", Duration.ofSeconds(5)), clock, cache);
	}

	private static DependencyGuard redisGuard() {
		return TestGuards.permissive("redis", Duration.ofSeconds(2));
	}

}
