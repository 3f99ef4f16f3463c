package dev.tenantgate.resilience;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolAcquireTimeoutException;
import reactor.pool.PoolBuilder;
import reactor.pool.PooledRef;

/**
 * At most {@code maxConcurrentCalls} calls at once; a call beyond them waits its turn, in order and without holding
 * a thread, for up to {@code maxWait}, and is then refused with a {@link DependencyBusyException} ({@code maxWait}
 * zero: refused at once). Resilience4j's
 * own bulkhead can only refuse at once or block the calling thread while it waits, and the calling thread is an
 * event loop.
 * <p>
 * The slots are a reactor-pool of tokens (the pool the R2DBC connection pool is built on): its queue of waiting
 * acquisitions, its time limit on them and its handling of a caller that cancels while it waits are what a slot
 * needs. A slot is released when the call completes, fails or is cancelled.
 */
final class QueueingBulkhead {

	private static final Object SLOT = new Object();

	private final InstrumentedPool<Object> slots;

	private final Duration maxWait;

	private final DependencyBusyException busy;

	QueueingBulkhead(String name, int maxConcurrentCalls, Duration maxWait) {
		// reactor-pool reads a zero time limit as none: no waiting at all is a queue of length zero.
		this.slots = PoolBuilder.from(Mono.just(SLOT))
			.sizeBetween(0, maxConcurrentCalls)
			.maxPendingAcquire(maxWait.isZero() ? 0 : Integer.MAX_VALUE)
			.buildPool();
		this.maxWait = maxWait;
		this.busy = new DependencyBusyException(name + ": all " + maxConcurrentCalls + " calls in use for "
				+ maxWait.toMillis() + "ms");
	}

	<T> Mono<T> admit(Mono<T> call) {
		Mono<PooledRef<Object>> slot = (this.maxWait.isZero() ? this.slots.acquire() : this.slots.acquire(this.maxWait))
			.onErrorMap((ex) -> ex instanceof PoolAcquireTimeoutException || ex instanceof PoolAcquirePendingLimitException,
					(ex) -> this.busy);
		return Mono.usingWhen(slot, (admitted) -> call, PooledRef::release);
	}

	/** Calls running now. */
	int inUse() {
		return this.slots.metrics().acquiredSize();
	}

	/** Calls waiting for a slot now. */
	int waiting() {
		return this.slots.metrics().pendingAcquireSize();
	}

}
