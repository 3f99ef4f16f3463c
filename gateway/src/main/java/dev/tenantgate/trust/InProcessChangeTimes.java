package dev.tenantgate.trust;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import dev.tenantgate.support.Caches;
import reactor.core.publisher.Mono;

/**
 * Change times held in-process only, for a single instance without Redis. Lost on restart, which is safe: claims in
 * tokens issued before the feed was subscribed do not count ({@link TrustModel}).
 */
public final class InProcessChangeTimes implements SharedChangeTimes {

	private final Cache<ChangeKey, Long> times;

	public InProcessChangeTimes(Duration retention, long maximumSize) {
		this.times = Caches.onCallingThread().maximumSize(maximumSize).expireAfterWrite(retention).build();
	}

	@Override
	public Mono<Long> latest(ChangeKey key) {
		Long time = this.times.getIfPresent(key);
		return Mono.just((time != null) ? time : 0L);
	}

	@Override
	public Mono<Long> record(ChangeKey key, long time) {
		return Mono.just(this.times.asMap().merge(key, time, Math::max));
	}

}
