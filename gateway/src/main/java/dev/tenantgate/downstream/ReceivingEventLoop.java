package dev.tenantgate.downstream;

import java.util.concurrent.RejectedExecutionException;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Brings a request back to the event loop that received it once a lookup answered on another thread.
 * <p>
 * A lookup in Redis or PostgreSQL (or a JWKS fetch) answers on its client's thread: Lettuce's, R2DBC's. Left there,
 * the rest of the request would run on that thread too: the downstream call would take a connection from the shared
 * pool, whose connection lives on some event loop (a thread hand-off to send, another to answer the client), and the
 * client's thread would be kept from its next answer meanwhile. Resumed on the receiving event loop, the request
 * costs one hand-off (the lookup's answer) and goes on with that loop's own downstream pool
 * ({@link EventLoopConnectionProvider}), as a request answered from memory does.
 * <p>
 * Like {@code publishOn}, except that a signal already on the event loop is passed on at once, not queued behind
 * the loop's other work.
 */
public final class ReceivingEventLoop {

	private ReceivingEventLoop() {
	}

	/**
	 * {@code source}, signalling on the calling thread's event loop; {@code source} itself when the caller does not
	 * run on one (nothing to return to). Call it where the request is assembled, on the receiving thread.
	 */
	public static <T> Mono<T> resume(Mono<T> source) {
		EventExecutor loop = ThreadExecutorMap.currentExecutor();
		return (loop != null) ? new MonoResumeOn<>(source, loop) : source;
	}

	private static final class MonoResumeOn<T> extends MonoOperator<T, T> {

		private final EventExecutor loop;

		MonoResumeOn(Mono<? extends T> source, EventExecutor loop) {
			super(source);
			this.loop = loop;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.source.subscribe(new ResumeOnSubscriber<>(actual, this.loop));
		}

	}

	/**
	 * Keeps the value and passes it on, with the completion or the error, on the event loop. The upstream Mono
	 * signals once; the hand-off through the loop's task queue publishes {@code value} and {@code error} to it.
	 */
	private static final class ResumeOnSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable {

		private final CoreSubscriber<? super T> actual;

		private final EventExecutor loop;

		private @Nullable Subscription upstream;

		private @Nullable T value;

		private @Nullable Throwable error;

		private volatile boolean cancelled;

		ResumeOnSubscriber(CoreSubscriber<? super T> actual, EventExecutor loop) {
			this.actual = actual;
			this.loop = loop;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T value) {
			this.value = value;
		}

		@Override
		public void onError(Throwable error) {
			this.error = error;
			resume();
		}

		@Override
		public void onComplete() {
			resume();
		}

		private void resume() {
			if (this.loop.inEventLoop()) {
				run();
				return;
			}
			try {
				this.loop.execute(this);
			}
			catch (RejectedExecutionException ex) {
				// The event loop is shutting down: the signal is passed on here rather than lost.
				run();
			}
		}

		@Override
		public void run() {
			T result = this.value;
			this.value = null;
			if (this.cancelled) {
				if (result != null) {
					Operators.onDiscard(result, this.actual.currentContext());
				}
				return;
			}
			Throwable failure = this.error;
			if (failure != null) {
				this.actual.onError(failure);
				return;
			}
			if (result != null) {
				this.actual.onNext(result);
			}
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

}
