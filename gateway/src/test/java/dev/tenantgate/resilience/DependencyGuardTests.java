package dev.tenantgate.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;

/**
 * The bulkhead and the breaker of {@link DependencyGuard}: what waits, what is refused, what the breaker counts, and
 * how it recovers. The pool cases run r2dbc-pool itself, over a connection factory that answers at once, never, or
 * with a refusal. // issue-25
 */
class DependencyGuardTests {

	private final List<ConnectionPool> pools = new ArrayList<>();

	@AfterEach
	void disposePools() {
		this.pools.forEach(ConnectionPool::dispose);
	}

	@Test
	void guardWhenEverySlotIsInUseThenTheNextCallWaitsAndRunsOnceOneIsFree() {
		DependencyGuard guard = guard(2, Duration.ofSeconds(5));
		Sinks.One<String> first = Sinks.one();
		Sinks.One<String> second = Sinks.one();
		PublisherProbe<String> third = PublisherProbe.of(Mono.just("third"));
		guard.guard(first.asMono()).subscribe();
		guard.guard(second.asMono()).subscribe();

		StepVerifier.create(guard.guard(third.mono()))
			.then(() -> {
				third.assertWasNotSubscribed();
				assertThat(guard.callsWaiting()).isEqualTo(1);
				first.tryEmitValue("first");
			})
			.expectNext("third")
			.verifyComplete();
		assertThat(guard.callsInFlight()).isEqualTo(1);
		assertThat(guard.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void guardWhenNoSlotFreesUpWithinMaxWaitThenRefusedAndTheBreakerCountsNothing() {
		DependencyGuard guard = guard(1, Duration.ofMillis(50));
		guard.guard(Mono.never()).subscribe();
		PublisherProbe<String> waiting = PublisherProbe.of(Mono.just("never run"));

		StepVerifier.create(guard.guard(waiting.mono()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DependencyBusyException.class)
				.hasMessage("test: all 1 calls in use for 50ms"))
			.verify(Duration.ofSeconds(5));
		waiting.assertWasNotSubscribed();
		assertThat(guard.breaker().getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void guardWhenMaxWaitIsZeroThenACallBeyondTheBoundIsRefusedAtOnce() {
		DependencyGuard guard = guard(1, Duration.ZERO);
		guard.guard(Mono.never()).subscribe();

		StepVerifier.create(guard.guard(Mono.just("never run")))
			.expectError(DependencyBusyException.class)
			.verify(Duration.ofMillis(500));
		assertThat(guard.callsWaiting()).isZero();
	}

	@Test
	void guardWhenAWaitingCallIsCancelledThenItTakesNoSlot() {
		DependencyGuard guard = guard(1, Duration.ofSeconds(5));
		Sinks.One<String> first = Sinks.one();
		guard.guard(first.asMono()).subscribe();
		PublisherProbe<String> cancelled = PublisherProbe.of(Mono.just("cancelled"));
		guard.guard(cancelled.mono()).subscribe().dispose();

		first.tryEmitValue("first");

		StepVerifier.create(guard.guard(Mono.just("next"))).expectNext("next").verifyComplete();
		cancelled.assertWasNotSubscribed();
		assertThat(guard.callsInFlight()).isZero();
		assertThat(guard.callsWaiting()).isZero();
	}

	@Test
	void guardWhenThePoolIsFullAndAcquisitionTimesOutThenTheBreakerDoesNotCountIt() {
		ConnectionPool pool = pool(answering(), 1);
		Connection held = pool.create().block(Duration.ofSeconds(5));
		assertThat(held).isNotNull();
		DependencyGuard guard = guardOn(pool, 1);

		for (int i = 0; i < 4; i++) {
			StepVerifier.create(guard.guard(ConnectionFactoryUtils.getConnection(pool)))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(DataAccessResourceFailureException.class)
					.rootCause()
					.isInstanceOf(TimeoutException.class))
				.verify(Duration.ofSeconds(5));
		}

		assertThat(guard.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void guardWhenConnectingHangsThenTheAcquisitionTimeoutCountsAndOpensTheBreaker() {
		ConnectionPool pool = pool(hanging(), 4);
		DependencyGuard guard = guardOn(pool, 4);

		for (int i = 0; i < 4; i++) {
			StepVerifier.create(guard.guard(ConnectionFactoryUtils.getConnection(pool)))
				.expectError(DataAccessResourceFailureException.class)
				.verify(Duration.ofSeconds(5));
		}

		assertThat(guard.breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(4);
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void guardWhenTheDatabaseRefusesConnectionsThenTheFailuresCountAndOpenTheBreaker() {
		ConnectionPool pool = pool(refusing(), 4);
		DependencyGuard guard = guardOn(pool, 4);

		for (int i = 0; i < 4; i++) {
			StepVerifier.create(guard.guard(ConnectionFactoryUtils.getConnection(pool)))
				.expectError(DataAccessResourceFailureException.class)
				.verify(Duration.ofSeconds(5));
		}

		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
		StepVerifier.create(guard.guard(ConnectionFactoryUtils.getConnection(pool)))
			.expectError(CallNotPermittedException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void guardWhenAQueryOutlastsTheTimeLimitThenItCountsDespiteThePoolWaitPredicate() {
		DependencyGuard guard = guardOn(pool(answering(), 4), 4);

		for (int i = 0; i < 4; i++) {
			StepVerifier.create(guard.guard(Mono.never()))
				.expectError(TimeoutException.class)
				.verify(Duration.ofSeconds(5));
		}

		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void breakerWhenTheDependencyAnswersAgainThenHalfOpensByItselfAndClosesOnTheProbes() {
		DependencyGuard guard = guardOn(pool(answering(), 4), 4);
		for (int i = 0; i < 4; i++) {
			guard.guard(Mono.error(new R2dbcNonTransientResourceException("refused"))).onErrorComplete().block();
		}
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);

		// No call is made: the breaker half-opens after wait-in-open-state (200 ms here) on its own.
		await().atMost(Duration.ofSeconds(2)).until(() -> guard.state() == CircuitBreaker.State.HALF_OPEN);
		for (int i = 0; i < 3; i++) {
			StepVerifier.create(guard.guard(Mono.just("answer"))).expectNext("answer").verifyComplete();
		}

		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		// The outage's failures are gone with the window: one more failure does not reopen it.
		guard.guard(Mono.error(new R2dbcNonTransientResourceException("refused"))).onErrorComplete().block();
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void breakerWhenFailuresAreOlderThanTheWindowThenASuccessDoesNotOpenIt() throws InterruptedException {
		DependencyGuard guard = guardOn(pool(answering(), 4), 4, Duration.ofSeconds(1));
		for (int i = 0; i < 3; i++) {
			guard.guard(Mono.error(new R2dbcNonTransientResourceException("refused"))).onErrorComplete().block();
		}
		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);

		// The window is the current second (Resilience4j counts whole seconds): its time passes, which no condition
		// can be awaited for.
		Thread.sleep(1100);
		StepVerifier.create(guard.guard(Mono.just("answer"))).expectNext("answer").verifyComplete();

		assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(guard.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	private static DependencyGuard guard(int maxConcurrentCalls, Duration maxWait) {
		return DependencyGuard.of("test", new DependencyGuard.Settings(Duration.ofSeconds(5), 50, 4,
				Duration.ofSeconds(1), Duration.ofMillis(200), maxConcurrentCalls, maxWait));
	}

	private static DependencyGuard guardOn(ConnectionPool pool, int maxConcurrentCalls) {
		return guardOn(pool, maxConcurrentCalls, Duration.ofSeconds(30));
	}

	private static DependencyGuard guardOn(ConnectionPool pool, int maxConcurrentCalls, Duration slidingWindow) {
		return DependencyGuard.of("test", new DependencyGuard.Settings(Duration.ofMillis(300), 50, 4, slidingWindow,
				Duration.ofMillis(200), maxConcurrentCalls, Duration.ofSeconds(1)), new ConnectionPoolWait(pool));
	}

	private ConnectionPool pool(ConnectionFactory factory, int maxSize) {
		ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
			.initialSize(0)
			.maxSize(maxSize)
			.maxAcquireTime(Duration.ofMillis(100))
			.acquireRetry(0)
			.build());
		this.pools.add(pool);
		return pool;
	}

	private static ConnectionFactory answering() {
		Connection connection = mock(Connection.class);
		doReturn(Mono.just(true)).when(connection).validate(any());
		doReturn(Mono.empty()).when(connection).close();
		ConnectionFactory factory = mock(ConnectionFactory.class);
		doReturn(Mono.fromSupplier(() -> connection)).when(factory).create();
		return factory;
	}

	private static ConnectionFactory hanging() {
		ConnectionFactory factory = mock(ConnectionFactory.class);
		doReturn(Mono.never()).when(factory).create();
		return factory;
	}

	private static ConnectionFactory refusing() {
		ConnectionFactory factory = mock(ConnectionFactory.class);
		doReturn(Mono.error(new R2dbcNonTransientResourceException("Connection refused"))).when(factory).create();
		return factory;
	}

}
