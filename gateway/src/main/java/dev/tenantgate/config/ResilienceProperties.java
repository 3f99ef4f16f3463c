package dev.tenantgate.config;

import java.time.Duration;

import dev.tenantgate.resilience.DependencyGuard;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Time limits, circuit breakers and bulkheads per dependency ({@code tenantgate.resilience.*}).
 *
 * @param redis the shared cache: short timeout, a failure only means "read PostgreSQL instead"
 * @param postgres the authority: its failures fail closed (503); concurrent lookups are bounded
 * @param jwks the key endpoint: its failures keep the last good keys
 */
@Validated
@ConfigurationProperties("tenantgate.resilience")
public record ResilienceProperties(@DefaultValue Dependency redis, @DefaultValue Dependency postgres,
		@DefaultValue Dependency jwks) {

	/**
	 * @param timeout the time limit of one call (default 2s; the shipped configuration sets 250ms for Redis)
	 * @param failureRateThreshold percentage of failed calls that opens the breaker
	 * @param minimumNumberOfCalls calls needed before the failure rate counts
	 * @param slidingWindowSize calls the failure rate is computed over
	 * @param waitInOpenState how long an open breaker refuses calls before it probes the dependency again
	 * @param maxConcurrentCalls concurrent calls allowed, 0 for no bound (the shipped configuration bounds PostgreSQL)
	 */
	public record Dependency(@DefaultValue("2s") Duration timeout,
			@DefaultValue("50") @Min(1) @Max(100) float failureRateThreshold,
			@DefaultValue("10") @Min(1) int minimumNumberOfCalls, @DefaultValue("20") @Min(1) int slidingWindowSize,
			@DefaultValue("2s") Duration waitInOpenState, @DefaultValue("0") @Min(0) int maxConcurrentCalls) {

		DependencyGuard guard(String name) {
			return DependencyGuard.of(name, new DependencyGuard.Settings(this.timeout, this.failureRateThreshold,
					this.minimumNumberOfCalls, this.slidingWindowSize, this.waitInOpenState, this.maxConcurrentCalls));
		}

	}

}
