package dev.tenantgate.role.redis;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Opens the shared Redis connection while the gateway starts, before its web server takes requests. Spring Data
 * opens it on first use otherwise, and a cold JVM takes longer for that than the Redis time limit: the first
 * requests then went on to PostgreSQL, and their timeouts counted against Redis's circuit breaker.
 * <p>
 * Redis is a cache: when it does not answer within the wait, the gateway starts anyway (role lookups go on to
 * PostgreSQL), and the opening goes on in the background, on the thread that Redis calls are subscribed on.
 */
public final class RedisConnectionOpener implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisConnectionOpener.class);

	/** After Spring Data's connection factory (phase 0), long before the web server. */
	static final int PHASE = 1;

	private final ReactiveStringRedisTemplate redis;

	private final Duration wait;

	private volatile boolean running;

	/**
	 * @param wait how long start-up waits for Redis to answer
	 */
	public RedisConnectionOpener(ReactiveStringRedisTemplate redis, Duration wait) {
		this.redis = redis;
		this.wait = wait;
	}

	@Override
	public void start() {
		this.running = true;
		try {
			RedisDispatch.offEventLoop(this.redis.execute((connection) -> connection.ping()).next())
				.block(this.wait);
			logger.info("Connected to Redis");
		}
		catch (RuntimeException ex) {
			logger.warn("Redis did not answer within " + this.wait + " at start-up (" + ex.getMessage()
					+ "); role lookups go on to PostgreSQL until it does");
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
