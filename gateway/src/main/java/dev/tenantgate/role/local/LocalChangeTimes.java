package dev.tenantgate.role.local;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import dev.tenantgate.role.ChangeTimes;
import dev.tenantgate.support.Caches;
import reactor.core.publisher.Mono;

/**
 * Change times held in-process only, for a single instance without Redis. Lost on restart, which the subscriber's
 * catch-up after (re)connecting makes safe: claims older than the subscription are not trusted.
 */
public final class LocalChangeTimes implements ChangeTimes {

	private final Cache<String, Long> times;

	public LocalChangeTimes(Duration retention, long maximumSize) {
		this.times = Caches.onCallingThread().maximumSize(maximumSize).expireAfterWrite(retention).build();
	}

	@Override
	public Long known(String key) {
		Long time = this.times.getIfPresent(key);
		return (time != null) ? time : 0L;
	}

	@Override
	public Mono<Long> latest(String key) {
		Long time = this.times.getIfPresent(key);
		return Mono.just((time != null) ? time : 0L);
	}

	/** Nothing to do: without a shared store, the times recorded here are all there is. */
	@Override
	public void remember(String key, long time) {
	}

	@Override
	public Mono<Long> record(String key, long time) {
		return Mono.just(this.times.asMap().merge(key, time, Math::max));
	}

	@Override
	public void clearMirror() {
	}

}
