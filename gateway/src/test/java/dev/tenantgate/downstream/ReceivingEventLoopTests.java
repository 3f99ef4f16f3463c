package dev.tenantgate.downstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

class ReceivingEventLoopTests {

	private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);

	private final EventExecutor loop = this.group.next();

	private final Scheduler lookups = Schedulers.newSingle("lookup");

	@AfterEach
	void close() {
		this.lookups.dispose();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void aValueFromAnotherThreadIsPassedOnOnTheEventLoopThatSubscribed() throws Exception {
		Mono<String> lookup = Mono.fromCallable(() -> Thread.currentThread().getName()).subscribeOn(this.lookups);

		Signal<String> signal = subscribeOnLoop(() -> ReceivingEventLoop.resume(lookup, this.loop));

		assertThat(signal.value().get(5, TimeUnit.SECONDS)).startsWith("lookup");
		assertThat(signal.thread().get(5, TimeUnit.SECONDS)).isEqualTo(loopThread());
	}

	@Test
	void withoutItTheValueStaysOnTheLookupsThread() throws Exception {
		// What the operator is for: the same lookup, not resumed, goes on on its own thread.
		Mono<String> lookup = Mono.just("x").subscribeOn(this.lookups);

		Signal<String> signal = subscribeOnLoop(() -> lookup);

		assertThat(signal.thread().get(5, TimeUnit.SECONDS)).startsWith("lookup");
	}

	@Test
	void anErrorFromAnotherThreadIsPassedOnOnTheEventLoop() throws Exception {
		Mono<String> lookup = Mono.<String>error(new IllegalStateException("down")).subscribeOn(this.lookups);

		Signal<String> signal = subscribeOnLoop(() -> ReceivingEventLoop.resume(lookup, this.loop));

		assertThat(signal.error().get(5, TimeUnit.SECONDS)).hasMessage("down");
		assertThat(signal.thread().get(5, TimeUnit.SECONDS)).isEqualTo(loopThread());
	}

	@Test
	void emptyFromAnotherThreadCompletesOnTheEventLoop() throws Exception {
		Mono<String> lookup = Mono.<String>empty().subscribeOn(this.lookups);

		Signal<String> signal = subscribeOnLoop(() -> ReceivingEventLoop.resume(lookup, this.loop));

		assertThat(signal.value().get(5, TimeUnit.SECONDS)).isNull();
		assertThat(signal.thread().get(5, TimeUnit.SECONDS)).isEqualTo(loopThread());
	}

	@Test
	void aValueAlreadyOnTheEventLoopIsPassedOnAtOnceNotQueued() throws Exception {
		List<String> order = new CopyOnWriteArrayList<>();
		this.loop.submit(() -> {
			ReceivingEventLoop.resume(Mono.just("value").hide(), this.loop).subscribe((value) -> order.add(value));
			order.add("after subscribe");
		}).get(5, TimeUnit.SECONDS);

		assertThat(order).containsExactly("value", "after subscribe");
	}

	@Test
	void aValueIsPassedOnWithoutWaitingForTheSourceToComplete() throws Exception {
		// A Mono whose value is not followed by its completion.
		Mono<String> lookup = Mono.fromDirect(Flux.just("value").concatWith(Flux.never())).subscribeOn(this.lookups);

		Signal<String> signal = subscribeOnLoop(() -> ReceivingEventLoop.resume(lookup, this.loop));

		assertThat(signal.value().get(5, TimeUnit.SECONDS)).isEqualTo("value");
		assertThat(signal.thread().get(5, TimeUnit.SECONDS)).isEqualTo(loopThread());
	}

	@Test
	void fusingOperatorsBeforeAndAfterItStillWork() throws Exception {
		// Mono.fromCallable and map fuse with each other; between them, the operator must not offer fusion.
		Mono<String> lookup = Mono.fromCallable(() -> "value");

		Signal<String> signal = subscribeOnLoop(
				() -> ReceivingEventLoop.resume(lookup.map(String::toUpperCase), this.loop).map((value) -> value + "!"));

		assertThat(signal.value().get(5, TimeUnit.SECONDS)).isEqualTo("VALUE!");
	}

	@Test
	void aRequestThatDidNotComeThroughReactorNettyIsLeftAsItIs() {
		Mono<String> source = Mono.just("x").hide();

		assertThat(ReceivingEventLoop.resume(source, MockServerHttpRequest.get("/").build())).isSameAs(source);
	}

	@Test
	void aSignalForAnEventLoopThatShutDownIsPassedOnWhereItArrives() throws Exception {
		DefaultEventLoopGroup stopped = new DefaultEventLoopGroup(1);
		EventExecutor gone = stopped.next();
		stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
		CompletableFuture<String> thread = new CompletableFuture<>();

		String value = ReceivingEventLoop.resume(Mono.just("value").subscribeOn(this.lookups), gone)
			.doOnNext((each) -> thread.complete(Thread.currentThread().getName()))
			.block(Duration.ofSeconds(5));

		assertThat(value).isEqualTo("value");
		assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("lookup");
	}

	@Test
	void aSignalQueuedForTheEventLoopIsDroppedWhenCancelledMeanwhile() throws Exception {
		Sinks.One<String> lookup = Sinks.one();
		List<String> received = new CopyOnWriteArrayList<>();
		List<String> discarded = new CopyOnWriteArrayList<>();
		Disposable subscription = this.loop
			// doOnNext passes on whatever reaches it, also after the cancellation: the operator must drop it.
			.submit(() -> ReceivingEventLoop.resume(lookup.asMono(), this.loop)
				.doOnNext(received::add)
				.doOnDiscard(String.class, discarded::add)
				.subscribe())
			.get(5, TimeUnit.SECONDS);
		CountDownLatch busy = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.loop.execute(() -> {
			busy.countDown();
			await(release);
		});
		assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

		lookup.tryEmitValue("late"); // queued behind the busy task
		subscription.dispose();
		release.countDown();
		this.loop.submit(() -> {
		}).get(5, TimeUnit.SECONDS);

		assertThat(received).isEmpty();
		assertThat(discarded).containsExactly("late");
	}

	private <T> Signal<T> subscribeOnLoop(Supplier<Mono<T>> assembly) throws Exception {
		Signal<T> signal = new Signal<>(new CompletableFuture<>(), new CompletableFuture<>(),
				new CompletableFuture<>());
		this.loop.submit(() -> assembly.get()
			.doOnEach((each) -> signal.thread().complete(Thread.currentThread().getName()))
			.subscribe((value) -> signal.value().complete(value), signal.error()::complete,
					() -> signal.value().complete(null)))
			.get(5, TimeUnit.SECONDS);
		return signal;
	}

	private String loopThread() throws Exception {
		return this.loop.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Signal<T>(CompletableFuture<T> value, CompletableFuture<Throwable> error,
			CompletableFuture<String> thread) {
	}

}
