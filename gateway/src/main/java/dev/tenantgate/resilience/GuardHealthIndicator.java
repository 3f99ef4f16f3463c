package dev.tenantgate.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A dependency's health as its circuit breaker sees the calls made to it: UP while closed, DOWN while open,
 * UNKNOWN while it probes again. It makes no call of its own, so a health check never takes a connection from the
 * pool the lookups use, and never waits outside their bulkhead.
 */
public final class GuardHealthIndicator implements HealthIndicator {

	private final DependencyGuard guard;

	public GuardHealthIndicator(DependencyGuard guard) {
		this.guard = guard;
	}

	@Override
	public Health health() {
		CircuitBreaker.State state = this.guard.state();
		Health.Builder health = switch (state) {
			case CLOSED, DISABLED, METRICS_ONLY -> Health.up();
			case HALF_OPEN -> Health.unknown();
			case OPEN, FORCED_OPEN -> Health.down();
		};
		return health.withDetail("circuitBreaker", state.name()).build();
	}

}
