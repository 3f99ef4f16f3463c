package dev.tenantgate.role.redis;

import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Where every Redis call of the role tiers is subscribed: one thread of its own, never an event loop. */
final class RedisDispatch {

	private static final Log logger = LogFactory.getLog(RedisDispatch.class);

	// A plain Executor: Reactor would wrap an ExecutorService as a scheduler that interrupts (see offEventLoop).
	private static final Scheduler DISPATCH = Schedulers.fromExecutor(Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "tenantgate-redis");
		thread.setDaemon(true);
		return thread;
	})::execute);

	private RedisDispatch() {
	}

	/**
	 * Spring Data opens its shared Redis connection synchronously on first use (and after it was lost): subscribing
	 * off the event loop keeps a hanging Redis from stalling Netty's threads; the caller's time limit still applies.
	 * <p>
	 * All Redis calls are subscribed on one thread of their own. Subscribing is short (the command is handed to
	 * Lettuce's event loop), so under load that thread takes call after call without sleeping, where the calls spread
	 * over {@code boundedElastic}'s workers woke one of them for each; while a connection is being opened, the calls
	 * waited for the same lock there too.
	 * <p>
	 * A plain executor, not {@link Schedulers#newSingle}: Reactor interrupts a scheduler's running task when its
	 * subscriber cancels. A call cancelled by its time limit while Spring Data opened the connection broke the opening
	 * off, the next call began another, and the cancelled call's error was logged as dropped. Now the opening
	 * finishes, and the calls queued behind it that time out meanwhile go on to the database as before.
	 * <p>
	 * Also once the connection is open: a call made on an event loop would then write to Lettuce from that event
	 * loop, under Lettuce's write lock ({@code SharedLock}), whose exclusive side can wait forever for a writer count
	 * that is never released (redis/lettuce issues 3880 and 3804, open). On this thread such a hang stops Redis calls
	 * only, and they time out and go on to PostgreSQL; on an event loop it would stop every request on it. Measured on
	 * 2026-12-01, calling on the caller's thread saved one thread wake-up per Redis call, 8-10 % of the CPU of the
	 * Redis and PostgreSQL tiers (docs/benchmarks.md): not worth that risk.
	 */
	static <T> Mono<T> offEventLoop(Mono<T> call) {
		return Mono.defer(() -> {
			// A call whose time limit ran out while the connection was being opened is cancelled; when the opening
			// then fails, its error has no one to go to, and Reactor would log it as dropped, with its stack trace.
			AtomicBoolean abandoned = new AtomicBoolean();
			return call.onErrorResume((ex) -> abandoned.get(), (ex) -> {
				logger.debug("Redis call failed after its caller gave up: " + ex);
				return Mono.empty();
			}).doOnCancel(() -> abandoned.set(true)).subscribeOn(DISPATCH);
		});
	}

}
