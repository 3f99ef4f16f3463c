package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantgate.role.ChangeTimes;
import dev.tenantgate.support.Caches;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * When a membership, an organization or a user last changed, in epoch milliseconds: shared by every instance in
 * Redis (kept at least as long as the longest token lives, so a restart forgets nothing), mirrored in-process so the
 * request path rarely asks Redis. "No change known" is mirrored too. Events update the mirror directly; a reconnect
 * after missed events clears it.
 */
public final class RedisChangeTimes implements ChangeTimes {

	// KEYS[1] change key; ARGV[1] time ms, ARGV[2] ttl ms: keeps the latest time, so reordered events are harmless.
	private static final RedisScript<Long> RECORD_MAX = RedisScript.of("""
			local current = tonumber(redis.call('GET', KEYS[1]) or '0')
			local time = tonumber(ARGV[1])
			if time > current then current = time end
			redis.call('SET', KEYS[1], tostring(current), 'PX', ARGV[2])
			return current
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration retention;

	private final Cache<String, Long> mirror;

	public RedisChangeTimes(ReactiveStringRedisTemplate redis, Duration retention, Duration mirrorTtl,
			long mirrorSize) {
		this.redis = redis;
		this.retention = retention;
		this.mirror = Caches.onCallingThread()
			.maximumSize(mirrorSize)
			.expireAfter(Expiry.<String, Long>creating((key, time) -> Caches.jittered(mirrorTtl)))
			.build();
	}

	/** The latest change time of {@code key}, 0 when none is known. */
	@Override
	public @Nullable Long known(String key) {
		return this.mirror.getIfPresent(key);
	}

	@Override
	public Mono<Long> latest(String key) {
		Long known = this.mirror.getIfPresent(key);
		if (known != null) {
			return Mono.just(known);
		}
		return RedisRoleStore.offEventLoop(this.redis.opsForValue().get(key))
			.map(Long::parseLong)
			.defaultIfEmpty(0L)
			.doOnNext((time) -> this.mirror.asMap().merge(key, time, Math::max));
	}

	@Override
	public void remember(String key, long time) {
		this.mirror.asMap().merge(key, time, Math::max);
	}

	/** Records a change at {@code time}, keeping the later of it and any time already recorded. */
	@Override
	public Mono<Long> record(String key, long time) {
		this.mirror.asMap().merge(key, time, Math::max);
		return RedisRoleStore.offEventLoop(this.redis.execute(RECORD_MAX, List.of(key), List.of(Long.toString(time),
				Long.toString(this.retention.toMillis())))
			.next())
			.doOnNext((latest) -> this.mirror.asMap().merge(key, latest, Math::max));
	}

	/** Forgets the mirror, so change times are read from Redis again (after missed events). */
	@Override
	public void clearMirror() {
		this.mirror.invalidateAll();
	}

}
