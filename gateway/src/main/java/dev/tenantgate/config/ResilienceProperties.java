package dev.tenantgate.config;

import java.time.Duration;
import java.util.function.Predicate;

import dev.tenantgate.resilience.DependencyGuard;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Time limits, circuit breakers and bulkheads per dependency ({@code tenantgate.resilience.*}). Why the breakers
 * are set as they are: {@link DependencyGuard.Settings}.
 *
 * @param redis the shared cache: short timeout, a failure only means "read PostgreSQL instead"
 * @param postgres the authority: its failures fail closed (503); concurrent calls are bounded by the connection pool
 * @param jwks the key endpoint: its failures keep the last good keys
 */
@Validated
@ConfigurationProperties("tenantgate.resilience")
public record ResilienceProperties(@DefaultValue Dependency redis, @DefaultValue Dependency postgres,
		@DefaultValue Dependency jwks) {

	/**
	 * @param timeout the time limit of one call, from the moment it is admitted (default 2s; the shipped
	 * configuration sets 250ms for Redis)
	 * @param failureRateThreshold percentage of failed calls that opens the breaker
	 * @param minimumNumberOfCalls calls within the sliding window needed before the failure rate counts
	 * @param slidingWindow the time the failure rate is computed over (whole seconds)
	 * @param waitInOpenState how long an open breaker refuses calls before it probes the dependency again
	 * @param maxConcurrentCalls concurrent calls allowed, 0 for no bound; for PostgreSQL, 0 means the connection
	 * pool's {@code spring.r2dbc.pool.max-size}, and a value above it is refused at start-up
	 * @param maxWait how long a call beyond {@code max-concurrent-calls} waits for a free slot before it is refused
	 * (for PostgreSQL: 503 {@code role_unavailable}); 0 refuses it at once
	 */
	public record Dependency(@DefaultValue("2s") Duration timeout,
			@DefaultValue("50") @Min(1) @Max(100) float failureRateThreshold,
			@DefaultValue("10") @Min(1) int minimumNumberOfCalls, @DefaultValue("2s") Duration slidingWindow,
			@DefaultValue("500ms") Duration waitInOpenState, @DefaultValue("0") @Min(0) int maxConcurrentCalls,
			@DefaultValue("1s") Duration maxWait) {

		DependencyGuard guard(String name) {
			return DependencyGuard.of(name, settings(this.maxConcurrentCalls));
		}

		/**
		 * A guard that never admits more concurrent calls than {@code connections} can serve, so no call it admits
		 * waits for a connection inside its time limit.
		 * @param connections the pool's size, or 0 or less without a pool (then {@code max-concurrent-calls} holds)
		 * @param notAFailure failures that are waits for a connection, not failures of the database
		 * @throws IllegalStateException when {@code max-concurrent-calls} is set above {@code connections}
		 */
		DependencyGuard guardWithin(String name, int connections, Predicate<Throwable> notAFailure) {
			if (connections <= 0) {
				return DependencyGuard.of(name, settings(this.maxConcurrentCalls), notAFailure);
			}
			if (this.maxConcurrentCalls > connections) {
				throw new IllegalStateException("tenantgate.resilience." + name + ".max-concurrent-calls ("
						+ this.maxConcurrentCalls + ") is above spring.r2dbc.pool.max-size (" + connections
						+ "): the calls beyond the pool would wait for a connection inside their time limit. Leave "
						+ "it unset (0) to bound the calls by the pool, or raise the pool");
			}
			int bound = (this.maxConcurrentCalls > 0) ? this.maxConcurrentCalls : connections;
			return DependencyGuard.of(name, settings(bound), notAFailure);
		}

		private DependencyGuard.Settings settings(int maxConcurrentCalls) {
			return new DependencyGuard.Settings(this.timeout, this.failureRateThreshold, this.minimumNumberOfCalls,
					this.slidingWindow, this.waitInOpenState, maxConcurrentCalls, this.maxWait);
		}

	}

}
