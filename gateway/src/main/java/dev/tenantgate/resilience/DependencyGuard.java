package dev.tenantgate.resilience;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The Resilience4j decorators around one dependency (Redis, PostgreSQL, the JWKS endpoint): a time limit, a circuit
 * breaker, and optionally a bulkhead that bounds concurrent calls. The time limiter sits inside the breaker, so a
 * timeout counts as a failure; the bulkhead sits outside, so a call it refuses never reaches the breaker. An open
 * breaker or a full bulkhead fails the call at once, without touching the dependency, and the breaker probes again
 * after {@code waitInOpenState}, so a dependency that comes back is used again within seconds.
 * <p>
 * The time limit is Resilience4j's {@code TimeLimiterOperator} (a {@code Mono.timeout} that reports to the
 * {@link TimeLimiter}) with one change: its clock is {@link EventLoopTimer}, the event loop the call is made from,
 * instead of Reactor's parallel scheduler; and it times out into a {@link TimeoutException} of its own, so Reactor
 * does not name the guarded chain on every subscription (it walks the chain and matches each step's name against a
 * pattern, to put the name in a message that is only read when the call times out).
 */
public final class DependencyGuard {

	private final CircuitBreaker breaker;

	private final TimeLimiter limiter;

	private final @Nullable Bulkhead bulkhead;

	private final Duration timeout;

	private final Mono<Object> timedOut;

	private DependencyGuard(CircuitBreaker breaker, TimeLimiter limiter, @Nullable Bulkhead bulkhead) {
		this.breaker = breaker;
		this.limiter = limiter;
		this.bulkhead = bulkhead;
		this.timeout = limiter.getTimeLimiterConfig().getTimeoutDuration();
		String message = breaker.getName() + " did not answer within " + this.timeout.toMillis() + "ms";
		this.timedOut = Mono.error(() -> new TimeoutException(message));
	}

	/**
	 * @param name the dependency, e.g. {@code postgres}
	 * @param settings its limits
	 */
	public static DependencyGuard of(String name, Settings settings) {
		CircuitBreaker breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
			.slidingWindowSize(settings.slidingWindowSize())
			.minimumNumberOfCalls(settings.minimumNumberOfCalls())
			.failureRateThreshold(settings.failureRateThreshold())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(3)
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			// Refusals are expected under overload: building a stack trace for each made overload worse.
			.writableStackTraceEnabled(false)
			.build());
		TimeLimiter limiter = TimeLimiter.of(name, TimeLimiterConfig.custom().timeoutDuration(settings.timeout()).build());
		Bulkhead bulkhead = (settings.maxConcurrentCalls() > 0) ? Bulkhead.of(name, BulkheadConfig.custom()
			.maxConcurrentCalls(settings.maxConcurrentCalls())
			.maxWaitDuration(Duration.ZERO)
			.writableStackTraceEnabled(false)
			.build()) : null;
		return new DependencyGuard(breaker, limiter, bulkhead);
	}

	/** Decorates {@code call}; permission is taken per subscription. */
	public <T> Mono<T> guard(Mono<T> call) {
		@SuppressWarnings("unchecked")
		Mono<T> timedOut = (Mono<T>) this.timedOut;
		Mono<T> guarded = call.timeout(this.timeout, timedOut, EventLoopTimer.INSTANCE)
			.doOnSuccess((value) -> this.limiter.onSuccess())
			.doOnError(this.limiter::onError)
			.transformDeferred(CircuitBreakerOperator.of(this.breaker));
		return (this.bulkhead != null) ? guarded.transformDeferred(BulkheadOperator.of(this.bulkhead)) : guarded;
	}

	public CircuitBreaker.State state() {
		return this.breaker.getState();
	}

	public String name() {
		return this.breaker.getName();
	}

	/**
	 * The limits of one dependency.
	 *
	 * @param timeout the time limit of one call
	 * @param failureRateThreshold percentage of failed calls that opens the breaker
	 * @param minimumNumberOfCalls calls needed before the failure rate counts
	 * @param slidingWindowSize calls the failure rate is computed over
	 * @param waitInOpenState how long the breaker stays open before it lets probes through
	 * @param maxConcurrentCalls concurrent calls allowed; 0 for no bound
	 */
	public record Settings(Duration timeout, float failureRateThreshold, int minimumNumberOfCalls,
			int slidingWindowSize, Duration waitInOpenState, int maxConcurrentCalls) {

		public Settings {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
			}
			if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
				throw new IllegalArgumentException(
						"failureRateThreshold must be in (0, 100], but was " + failureRateThreshold);
			}
		}

	}

}
