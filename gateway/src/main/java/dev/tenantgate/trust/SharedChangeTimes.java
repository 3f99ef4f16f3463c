package dev.tenantgate.trust;

import reactor.core.publisher.Mono;

/**
 * When each change last happened, shared by every instance (Redis) and kept at least as long as the longest token
 * lives, so an instance that starts or missed events can still tell whether a claim or an entry predates a change.
 */
public interface SharedChangeTimes {

	/** The latest change time of {@code key}, 0 when none is recorded. */
	Mono<Long> latest(ChangeKey key);

	/** Records a change at {@code time}, keeping the later of it and any time already recorded; the latest. */
	Mono<Long> record(ChangeKey key, long time);

}
