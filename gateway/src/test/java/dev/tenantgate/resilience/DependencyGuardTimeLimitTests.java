package dev.tenantgate.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time limit of {@link DependencyGuard}: where its timer runs, and that a call past it fails and counts against
 * the breaker.
 */
class DependencyGuardTimeLimitTests {

	private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1, new DefaultThreadFactory("test-loop"));

	@AfterEach
	void stop() {
		this.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void aCallMadeOnAnEventLoopTimesOutOnThatLoop() throws Exception {
		DependencyGuard guard = guard(Duration.ofMillis(50), 100);
		CompletableFuture<String> timedOutOn = new CompletableFuture<>();

		this.loops.next()
			.execute(() -> guard.guard(Mono.never())
				.subscribe(null, (ex) -> timedOutOn.complete(ex.getClass().getSimpleName() + " on "
						+ Thread.currentThread().getName())));

		assertThat(timedOutOn.get(5, TimeUnit.SECONDS)).startsWith("TimeoutException on test-loop");
	}

	@Test
	void aCallPastTheTimeLimitFailsWithATimeoutNamingTheDependency() {
		DependencyGuard guard = guard(Duration.ofMillis(30), 100);

		StepVerifier.create(guard.guard(Mono.never()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TimeoutException.class)
				.hasMessage("test did not answer within 30ms"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(guard.guard(Mono.just("in time"))).expectNext("in time").verifyComplete();
	}

	@Test
	void aCallMadeOnAnyOtherThreadTimesOutOnTheParallelScheduler() throws Exception {
		DependencyGuard guard = guard(Duration.ofMillis(50), 100);
		CompletableFuture<String> timedOutOn = new CompletableFuture<>();

		guard.guard(Mono.never())
			.subscribe(null, (ex) -> timedOutOn.complete(Thread.currentThread().getName()));

		assertThat(timedOutOn.get(5, TimeUnit.SECONDS)).startsWith("parallel-");
	}

	@Test
	void callsPastTheTimeLimitCountAsFailuresAndOpenTheBreaker() {
		DependencyGuard guard = guard(Duration.ofMillis(20), 2);

		for (int i = 0; i < 2; i++) {
			assertThat(guard.guard(Mono.never()).onErrorResume(TimeoutException.class, (ex) -> Mono.just("timed out"))
				.block(Duration.ofSeconds(5))).isEqualTo("timed out");
		}

		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void aCallThatAnswersInTimeIsNotCutShort() {
		DependencyGuard guard = guard(Duration.ofMillis(500), 100);

		String answer = Mono.fromCallable(() -> guard.guard(Mono.delay(Duration.ofMillis(50)).thenReturn("answer")))
			.subscribeOn(reactor.core.scheduler.Schedulers.fromExecutor(this.loops.next()))
			.flatMap((call) -> call)
			.block(Duration.ofSeconds(5));

		assertThat(answer).isEqualTo("answer");
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void aDisposedTimerNeverFires() throws Exception {
		AtomicInteger fired = new AtomicInteger();
		CompletableFuture<Disposable> scheduled = new CompletableFuture<>();

		this.loops.next()
			.execute(() -> scheduled
				.complete(EventLoopTimer.INSTANCE.schedule(fired::incrementAndGet, 100, TimeUnit.MILLISECONDS)));
		Disposable timer = scheduled.get(5, TimeUnit.SECONDS);
		timer.dispose();
		Thread.sleep(300);

		assertThat(fired).hasValue(0);
		assertThat(timer.isDisposed()).isTrue();
	}

	private static DependencyGuard guard(Duration timeout, int minimumNumberOfCalls) {
		return DependencyGuard.of("test", new DependencyGuard.Settings(timeout, 50, minimumNumberOfCalls,
				Duration.ofSeconds(30), Duration.ofSeconds(30), 0, Duration.ZERO));
	}

}
