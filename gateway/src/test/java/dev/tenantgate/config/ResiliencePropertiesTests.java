package dev.tenantgate.config;

import java.time.Duration;

import dev.tenantgate.resilience.DependencyGuard;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * How many database calls the {@code postgres} guard admits at once, given the connection pool's size. // issue-25
 */
class ResiliencePropertiesTests {

	@Test
	void guardWithinWhenMaxConcurrentCallsIsUnsetThenThePoolSizeBoundsTheCalls() {
		DependencyGuard guard = postgres(0).guardWithin("postgres", 3, (ex) -> false);

		assertThat(admittedOutOf(guard, 5)).isEqualTo(3);
		assertThat(guard.callsWaiting()).isEqualTo(2);
	}

	@Test
	void guardWithinWhenMaxConcurrentCallsIsBelowThePoolThenItBoundsTheCalls() {
		DependencyGuard guard = postgres(2).guardWithin("postgres", 20, (ex) -> false);

		assertThat(admittedOutOf(guard, 5)).isEqualTo(2);
	}

	@Test
	void guardWithinWhenMaxConcurrentCallsIsAboveThePoolThenRefusedNamingBoth() {
		assertThatIllegalStateException().isThrownBy(() -> postgres(64).guardWithin("postgres", 20, (ex) -> false))
			.withMessageStartingWith("tenantgate.resilience.postgres.max-concurrent-calls (64) is above "
					+ "spring.r2dbc.pool.max-size (20)");
	}

	@Test
	void guardWithinWithoutAPoolThenMaxConcurrentCallsHolds() {
		assertThat(admittedOutOf(postgres(2).guardWithin("postgres", 0, (ex) -> false), 5)).isEqualTo(2);
		assertThat(admittedOutOf(postgres(0).guardWithin("postgres", 0, (ex) -> false), 5)).isEqualTo(5);
	}

	/** Subscribes {@code calls} calls that never end and counts those that started. */
	private static int admittedOutOf(DependencyGuard guard, int calls) {
		int[] started = new int[1];
		for (int i = 0; i < calls; i++) {
			guard.guard(Mono.never().doOnSubscribe((subscription) -> started[0]++)).subscribe();
		}
		return started[0];
	}

	private static ResilienceProperties.Dependency postgres(int maxConcurrentCalls) {
		return new ResilienceProperties.Dependency(Duration.ofSeconds(30), 50, 10, Duration.ofSeconds(2),
				Duration.ofSeconds(1), maxConcurrentCalls, Duration.ofSeconds(30));
	}

}
