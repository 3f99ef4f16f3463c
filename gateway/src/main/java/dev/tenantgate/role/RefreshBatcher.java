package dev.tenantgate.role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import reactor.core.scheduler.Scheduler;

/**
 * Collects the keys whose in-process values are due to be read again in the background, and hands them on in
 * batches: the first key due opens a short window, and every key that comes due within it goes with it. The shared
 * tier then reads a batch in one round trip, where each key cost a round trip of its own, and each woke the Redis
 * thread, Lettuce's event loop and a timer thread. A value is read again at 75 % of its time to live, so the window
 * is nothing against the time it has left.
 *
 * @param <K> the key
 */
final class RefreshBatcher<K> {

	private final Queue<K> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Duration window;

	private final int maximumBatch;

	private final Scheduler timer;

	private final Consumer<List<K>> refresh;

	/**
	 * @param window how long the first key due waits for others
	 * @param maximumBatch the most keys handed on at once; the rest follow at once, in further batches
	 * @param timer runs the batches
	 * @param refresh reads a batch again; called on the timer's thread
	 */
	RefreshBatcher(Duration window, int maximumBatch, Scheduler timer, Consumer<List<K>> refresh) {
		this.window = window;
		this.maximumBatch = maximumBatch;
		this.timer = timer;
		this.refresh = refresh;
	}

	void add(K key) {
		this.pending.add(key);
		if (this.scheduled.compareAndSet(false, true)) {
			this.timer.schedule(this::drain, this.window.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	private void drain() {
		// Cleared first: a key added from now on opens a window of its own if this batch does not take it.
		this.scheduled.set(false);
		List<K> batch = new ArrayList<>();
		for (K key = this.pending.poll(); key != null; key = this.pending.poll()) {
			batch.add(key);
			if (batch.size() == this.maximumBatch) {
				break;
			}
		}
		if (!this.pending.isEmpty() && this.scheduled.compareAndSet(false, true)) {
			this.timer.schedule(this::drain);
		}
		if (!batch.isEmpty()) {
			this.refresh.accept(batch);
		}
	}

}
