package dev.tenantgate.role;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Runs background reads of the database at most a few at a time; the others wait their turn, in order.
 * <p>
 * Values written to Redis together expire from it together, and their background refreshes then go to the database
 * together. Unbounded, they would take the database's bulkhead and connections from the requests that need them;
 * bounded, a refresh that waits only leaves the in-process value in use a little longer, within its time to live.
 */
final class BackgroundLoads {

	private final Queue<Supplier<Mono<?>>> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicInteger running = new AtomicInteger();

	private final int limit;

	/** @param limit the most loads running at once */
	BackgroundLoads(int limit) {
		this.limit = limit;
	}

	/** Runs {@code load} now, or once fewer than the limit are running; its outcome is the load's own business. */
	void submit(Supplier<Mono<?>> load) {
		this.waiting.add(load);
		drain();
	}

	/** How many loads are running. */
	int running() {
		return this.running.get();
	}

	private void drain() {
		for (;;) {
			int now = this.running.get();
			if (now >= this.limit) {
				return;
			}
			if (!this.running.compareAndSet(now, now + 1)) {
				continue;
			}
			Supplier<Mono<?>> next = this.waiting.poll();
			if (next == null) {
				this.running.decrementAndGet();
				// A load added between the poll and the release would otherwise wait for the next submit.
				if (this.waiting.isEmpty()) {
					return;
				}
				continue;
			}
			start(next);
		}
	}

	private void start(Supplier<Mono<?>> load) {
		Mono<?> started;
		try {
			started = load.get();
		}
		catch (RuntimeException ex) {
			started = Mono.error(ex);
		}
		started.doFinally((signal) -> {
			this.running.decrementAndGet();
			drain();
		}).subscribe(null, (ex) -> {
			// The load reports its own failures.
		});
	}

}
