package dev.tenantgate.role;

import java.time.Clock;
import java.time.Duration;

import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.role.redis.RedisChangeTimes;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestRedis;

import static org.mockito.Mockito.spy;

/** A {@link RoleResolver} over a real Redis (the shared tier and the change times) and a given database. */
final class TestResolvers {

	private TestResolvers() {
	}

	/** The shared tier as configured by default (5 min, 1 min for negative answers, 1 s clock tolerance), spied on. */
	static RedisRoleStore spiedStore(TestRedis redis) {
		return spy(new RedisRoleStore(redis.template(), redis.keys(), Duration.ofMinutes(5), Duration.ofMinutes(1),
				Duration.ofSeconds(1)));
	}

	static RoleResolver overRedis(LocalRoleCache local, RedisRoleStore store, TestRedis redis,
			BetterAuthRepository database, Clock clock) {
		RedisChangeTimes changes = new RedisChangeTimes(redis.template(), Duration.ofMinutes(30), Duration.ofMinutes(1),
				1000);
		return new RoleResolver(local, store, changes, redis.keys(), database,
				TestGuards.permissive("redis", Duration.ofSeconds(2)), TestGuards.permissive("postgres", Duration.ofSeconds(5)),
				clock);
	}

}
