package dev.tenantgate.role;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The in-process tier's limits, per kind of answer.
 *
 * @param maximumSize the most answers kept
 * @param ttl how long a positive answer (a member, an existing user) is kept at most; each gets 80–100 % of it, and
 * one still in use is loaded again in the background after 75 % of it
 * @param negativeTtl how long a negative answer ("not a member", "no such user") is kept at most
 * @param ticker the cache's time ({@link Ticker#systemTicker()} outside tests)
 */
public record CacheSettings(long maximumSize, Duration ttl, Duration negativeTtl, Ticker ticker) {

	public CacheSettings(long maximumSize, Duration ttl, Duration negativeTtl) {
		this(maximumSize, ttl, negativeTtl, Ticker.systemTicker());
	}

}
