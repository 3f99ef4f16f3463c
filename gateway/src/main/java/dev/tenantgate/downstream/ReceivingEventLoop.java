package dev.tenantgate.downstream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.netty.Connection;
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
 * the loop's other work. The event loop is the one of the request's connection, whichever thread assembles the chain.
 */
public final class ReceivingEventLoop {

	private ReceivingEventLoop() {
	}

	/**
	 * {@code source}, signalling on the event loop of the connection that {@code request} came in on; {@code source}
	 * itself when the request did not come through Reactor Netty (nothing to return to).
	 */
	public static <T> Mono<T> resume(Mono<T> source, ServerHttpRequest request) {
		EventExecutor loop = eventLoopOf(request);
		return (loop != null) ? resume(source, loop) : source;
	}

	/** {@code source}, signalling on {@code loop}. */
	static <T> Mono<T> resume(Mono<T> source, EventExecutor loop) {
		return MonoResumeOn.assemble(source, loop);
	}

	/** The event loop of the Reactor Netty connection that {@code request} came in on, if it came through one. */
	static @Nullable EventExecutor eventLoopOf(ServerHttpRequest request) {
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// A request without a server behind it (a test's mock request).
			return null;
		}
		return (nativeRequest instanceof Connection connection) ? connection.channel().eventLoop() : null;
	}

	/**
	 * The operator. Not {@code Fuseable}, unlike {@code Operators.lift} on a fuseable source: an operator after it
	 * that fuses would expect a queue subscription from it.
	 */
	private static final class MonoResumeOn<T> extends MonoOperator<T, T> {

		private final EventExecutor loop;

		private MonoResumeOn(Mono<? extends T> source, EventExecutor loop) {
			super(source);
			this.loop = loop;
		}

		/** A new one, through the assembly hooks as Reactor's own operators are. */
		static <T> Mono<T> assemble(Mono<? extends T> source, EventExecutor loop) {
			return onAssembly(new MonoResumeOn<>(source, loop));
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.source.subscribe(new ResumeOnSubscriber<>(actual, this.loop));
		}

	}

	/**
	 * Passes on, on the event loop, the value (with the completion), the completion of an empty source, or the error,
	 * as {@code MonoPublishOn} does: the hand-off through the loop's task queue publishes {@code value} and
	 * {@code error} to it, and a value left when the request is cancelled is discarded.
	 */
	private static final class ResumeOnSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable {

		@SuppressWarnings("rawtypes")
		private static final AtomicReferenceFieldUpdater<ResumeOnSubscriber, Object> VALUE = AtomicReferenceFieldUpdater
			.newUpdater(ResumeOnSubscriber.class, Object.class, "value");

		private final CoreSubscriber<? super T> actual;

		private final EventExecutor loop;

		private @Nullable Subscription upstream;

		private volatile @Nullable Object value;

		private @Nullable Throwable error;

		private boolean done;

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
			if (this.done) {
				Operators.onNextDropped(value, currentContext());
				return;
			}
			// A Mono's value is its result: passed on at once, with the completion, not when the source completes.
			this.done = true;
			this.value = value;
			resume();
		}

		@Override
		public void onError(Throwable error) {
			if (this.done) {
				Operators.onErrorDropped(error, currentContext());
				return;
			}
			this.done = true;
			this.error = error;
			resume();
		}

		@Override
		public void onComplete() {
			if (this.done) {
				return;
			}
			this.done = true;
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
		@SuppressWarnings("unchecked")
		public void run() {
			T result = (T) VALUE.getAndSet(this, null);
			Throwable failure = this.error;
			if (this.cancelled) {
				discard(result);
				if (failure != null) {
					Operators.onErrorDropped(failure, currentContext());
				}
				return;
			}
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
		@SuppressWarnings("unchecked")
		public void cancel() {
			this.cancelled = true;
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			discard((T) VALUE.getAndSet(this, null));
		}

		private void discard(@Nullable T result) {
			if (result != null) {
				Operators.onDiscard(result, currentContext());
			}
		}

	}

}
