package dev.tenantgate.resilience;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The clock of time limits: a delayed task is scheduled on the Netty event loop that runs the calling thread, as
 * Netty's own timeouts are ({@code ReadTimeoutHandler}, and the downstream response timeout here), and on
 * {@link Schedulers#parallel()} from any other thread.
 * <p>
 * A call to Redis or PostgreSQL is made from an event loop (the request's, or the client's that answered the lookup
 * before). Scheduled there, its time limit is an entry in that loop's own timer queue, and is taken out again when
 * the call answers in time: no other thread is involved. On the parallel scheduler, each time limit is put into
 * another thread's queue under its lock; when that queue was empty, as it is between the requests of a lightly
 * loaded gateway, the parallel thread is woken to wait for the new deadline, once per call.
 * <p>
 * Only the delayed {@link #schedule(Runnable, long, TimeUnit)}, which {@code Mono.timeout} uses, runs on the event
 * loop; everything else goes to the parallel scheduler.
 */
public final class EventLoopTimer implements Scheduler {

	/** The timer for every time limit. */
	public static final EventLoopTimer INSTANCE = new EventLoopTimer();

	private EventLoopTimer() {
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		EventExecutor loop = ThreadExecutorMap.currentExecutor();
		if (loop != null && !loop.isShuttingDown()) {
			try {
				ScheduledFuture<?> scheduled = loop.schedule(task, delay, unit);
				// Cancelled from another thread, the entry is taken out when the loop next runs, without waking it.
				return new Cancellation(scheduled);
			}
			catch (RejectedExecutionException ex) {
				// The loop began to shut down meanwhile.
			}
		}
		return Schedulers.parallel().schedule(task, delay, unit);
	}

	@Override
	public Disposable schedule(Runnable task) {
		return Schedulers.parallel().schedule(task);
	}

	@Override
	public Worker createWorker() {
		return Schedulers.parallel().createWorker();
	}

	private record Cancellation(ScheduledFuture<?> scheduled) implements Disposable {

		@Override
		public void dispose() {
			this.scheduled.cancel(false);
		}

		@Override
		public boolean isDisposed() {
			return this.scheduled.isDone();
		}

	}

}
