package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.SharedChangeTimes;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Change times shared by every instance in Redis, kept at least as long as the longest token lives, so a restart
 * forgets nothing. Calls go through the Redis guard.
 */
public final class RedisChangeTimes implements SharedChangeTimes {

	// KEYS[1] change key; ARGV[1] time ms, ARGV[2] ttl ms: keeps the latest time, so reordered events are harmless.
	private static final RedisScript<Long> RECORD_MAX = RedisScript.of("""
			local current = tonumber(redis.call('GET', KEYS[1]) or '0')
			local time = tonumber(ARGV[1])
			if time > current then current = time end
			redis.call('SET', KEYS[1], tostring(current), 'PX', ARGV[2])
			return current
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration retention;

	private final DependencyGuard guard;

	public RedisChangeTimes(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration retention,
			DependencyGuard guard) {
		this.redis = redis;
		this.keys = keys;
		this.retention = retention;
		this.guard = guard;
	}

	@Override
	public Mono<Long> latest(ChangeKey key) {
		return this.guard.guard(RedisDispatch.offEventLoop(this.redis.opsForValue().get(this.keys.change(key)))
			.map(Long::parseLong)
			.defaultIfEmpty(0L));
	}

	@Override
	public Mono<Long> record(ChangeKey key, long time) {
		return this.guard.guard(RedisDispatch.offEventLoop(this.redis
			.execute(RECORD_MAX, List.of(this.keys.change(key)),
					List.of(Long.toString(time), Long.toString(this.retention.toMillis())))
			.next()));
	}

}
