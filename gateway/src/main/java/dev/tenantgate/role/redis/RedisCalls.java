package dev.tenantgate.role.redis;

import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway's Redis template, and where its calls are subscribed: on a thread of their own until the shared
 * connection is known to be open, then on the caller's thread.
 * <p>
 * Spring Data opens its shared Redis connection synchronously on first use, holding the connection factory's lock
 * meanwhile: a call subscribed on an event loop then would stall it for as long as Redis takes to answer the
 * handshake (up to {@code spring.data.redis.connect-timeout}). So until a call has succeeded, every call is
 * subscribed on one thread of its own. Once one has, the shared connection exists, and Spring Data hands it out
 * without waiting for the rest of the factory's life: it never drops it (unless connection validation is switched
 * on, which tenantgate does not do), Lettuce reconnects it by itself after a loss, and a command written while it is
 * down waits in Lettuce's buffer, bounded by its caller's time limit. From then on a call is subscribed where it is
 * made: handing it to another thread cost a thread wake-up on every Redis call (docs/benchmarks.md).
 */
public final class RedisCalls {

	private static final Log logger = LogFactory.getLog(RedisCalls.class);

	/** The thread the calls are subscribed on while the connection is not known to be open. */
	static final String OPENING_THREAD = "tenantgate-redis";

	// A plain Executor: Reactor would wrap an ExecutorService as a scheduler that interrupts (see subscribe).
	private static final Scheduler OPENING = Schedulers.fromExecutor(Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, OPENING_THREAD);
		thread.setDaemon(true);
		return thread;
	})::execute);

	private final ReactiveStringRedisTemplate template;

	private volatile boolean open;

	public RedisCalls(ReactiveStringRedisTemplate template) {
		this.template = template;
	}

	public ReactiveStringRedisTemplate template() {
		return this.template;
	}

	/** Whether a call has succeeded, so that the shared connection is open and calls are subscribed where made. */
	public boolean connectionOpen() {
		return this.open;
	}

	/**
	 * The call, subscribed where it is made once the connection is open, and before that on the opening thread.
	 * <p>
	 * Subscribing there is short (the command is handed to Lettuce's event loop), so under load that one thread
	 * takes call after call without sleeping. It is a plain executor, not {@link Schedulers#newSingle}: Reactor
	 * interrupts a scheduler's running task when its subscriber cancels, and a call cancelled by its time limit while
	 * Spring Data opened the connection broke the opening off, the next call began another, and the cancelled call's
	 * error was logged as dropped. Now the opening finishes, and the calls queued behind it that time out meanwhile go
	 * on to the database as before.
	 */
	public <T> Mono<T> call(Mono<T> call) {
		if (this.open) {
			return call;
		}
		return Mono.defer(() -> {
			// A call whose time limit ran out while the connection was being opened is cancelled; when the opening
			// then fails, its error has no one to go to, and Reactor would log it as dropped, with its stack trace.
			AtomicBoolean abandoned = new AtomicBoolean();
			return call.doOnSuccess((value) -> this.open = true).onErrorResume((ex) -> abandoned.get(), (ex) -> {
				logger.debug("Redis call failed after its caller gave up: " + ex);
				return Mono.empty();
			}).doOnCancel(() -> abandoned.set(true)).subscribeOn(OPENING);
		});
	}

}
