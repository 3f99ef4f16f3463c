package dev.tenantgate.role;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * When a membership, an organization or a user last changed, in epoch milliseconds, by change key.
 */
public interface ChangeTimes {

	/** The change time of {@code key} if it is held in-process (0 for "known: no change"), else {@code null}. */
	@Nullable Long known(String key);

	/** The latest change time of {@code key}, 0 when none is known. */
	Mono<Long> latest(String key);

	/**
	 * Holds {@code time}, read from the shared store with an entry ({@link SharedRoleStore}), as the latest change
	 * of {@code key} known in-process (0: none); a later time already held wins.
	 */
	void remember(String key, long time);

	/** Records a change at {@code time}, keeping the later of it and any time already recorded. */
	Mono<Long> record(String key, long time);

	/** Forgets what is held in-process, so change times are read from the shared store again. */
	void clearMirror();

}
