package dev.tenantgate.resilience;

import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.R2dbcTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolAcquireTimeoutException;

/**
 * Tells a call that failed waiting for a pooled database connection, which says the pool was busy, from a failure of
 * the database, which the {@code postgres} circuit breaker must count.
 * <p>
 * reactor-pool names a full pool by type ({@link PoolAcquireTimeoutException}, {@link PoolAcquirePendingLimitException}).
 * r2dbc-pool does not: its {@code max-acquire-time} is a {@code Mono.timeout} over the whole acquisition, connecting
 * and validating a new connection included, mapped to a plain {@link R2dbcTimeoutException} whose cause is the
 * {@link TimeoutException}. A database that accepts connections and never answers fails the same way. So that
 * timeout counts as a wait only while every connection of the pool is handed out; with free room in the pool, the
 * time went into opening a connection, and that is the database's failure. Anything else (refused connections, the
 * call's own time limit, SQL errors) is a failure too.
 */
public final class ConnectionPoolWait implements Predicate<Throwable> {

	private final @Nullable ConnectionPool pool;

	/** @param pool the pool the calls take their connections from, or {@code null} without a pool */
	public ConnectionPoolWait(@Nullable ConnectionPool pool) {
		this.pool = pool;
	}

	@Override
	public boolean test(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex instanceof PoolAcquireTimeoutException || ex instanceof PoolAcquirePendingLimitException) {
				return true;
			}
			if (ex.getClass() == R2dbcTimeoutException.class && ex.getCause() instanceof TimeoutException) {
				return poolFull();
			}
		}
		return false;
	}

	private boolean poolFull() {
		if (this.pool == null) {
			return false;
		}
		PoolMetrics metrics = this.pool.getMetrics().orElse(null);
		return metrics != null && metrics.acquiredSize() >= metrics.getMaxAllocatedSize();
	}

}
