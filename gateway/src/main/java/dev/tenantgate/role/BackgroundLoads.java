package dev.tenantgate.role;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Runs background reads of the database at most a few at a time; the others wait their turn, in order.
 * <p>
 * Values written to Redis together expire from it together, and the background refreshes of all of them then go to
 * the database at once (up to a batch of a hundred per 50 ms). Unbounded, they filled the database's bulkhead, and a
 * request that needed the database in that moment was refused (503 {@code role_unavailable}, seen in a benchmark
 * run). Bounded, they leave the bulkhead and the connection pool to the requests; a refresh that waits longer only
 * leaves the in-process value in use a little longer, within its time to live.
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
