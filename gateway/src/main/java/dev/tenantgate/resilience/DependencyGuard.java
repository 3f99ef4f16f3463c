package dev.tenantgate.resilience;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The decorators around one dependency (Redis, PostgreSQL, the JWKS endpoint): a time limit, a circuit breaker, and
 * optionally a bulkhead that bounds concurrent calls. The time limiter sits inside the breaker, so a timeout counts as
 * a failure; the bulkhead sits outside, so a call that waits for a slot or is refused one never reaches the breaker,
 * and its time limit starts once it is admitted. An open breaker fails the call at once, without touching the
 * dependency, and lets probes through again after {@code waitInOpenState}.
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

	private final @Nullable QueueingBulkhead bulkhead;

	private final Duration timeout;

	private final Mono<Object> timedOut;

	private DependencyGuard(CircuitBreaker breaker, TimeLimiter limiter, @Nullable QueueingBulkhead bulkhead) {
		this.breaker = breaker;
		this.limiter = limiter;
		this.bulkhead = bulkhead;
		this.timeout = limiter.getTimeLimiterConfig().getTimeoutDuration();
		String message = breaker.getName() + " did not answer within " + this.timeout.toMillis() + "ms";
		this.timedOut = Mono.error(() -> new TimeoutException(message));
	}

	/**
	 * A guard whose breaker counts every failure of a call.
	 * @param name the dependency, e.g. {@code redis}
	 * @param settings its limits
	 */
	public static DependencyGuard of(String name, Settings settings) {
		return of(name, settings, (ex) -> false);
	}

	/**
	 * @param name the dependency, e.g. {@code postgres}
	 * @param settings its limits
	 * @param notAFailure failures of a call that say nothing about the dependency (a wait for a pooled connection):
	 * the breaker neither counts them as failures nor as successes
	 */
	public static DependencyGuard of(String name, Settings settings, Predicate<Throwable> notAFailure) {
		CircuitBreaker breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
			.slidingWindow((int) settings.slidingWindow().toSeconds(), settings.minimumNumberOfCalls(),
					SlidingWindowType.TIME_BASED)
			.failureRateThreshold(settings.failureRateThreshold())
			.waitDurationInOpenState(settings.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(3)
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.ignoreException(notAFailure)
			// Refusals are expected under overload: building a stack trace for each made overload worse.
			.writableStackTraceEnabled(false)
			.build());
		TimeLimiter limiter = TimeLimiter.of(name, TimeLimiterConfig.custom().timeoutDuration(settings.timeout()).build());
		QueueingBulkhead bulkhead = (settings.maxConcurrentCalls() > 0)
				? new QueueingBulkhead(name, settings.maxConcurrentCalls(), settings.maxWait()) : null;
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
		return (this.bulkhead != null) ? this.bulkhead.admit(guarded) : guarded;
	}

	public CircuitBreaker.State state() {
		return this.breaker.getState();
	}

	public String name() {
		return this.breaker.getName();
	}

	/** The breaker itself, for its metrics and events. */
	public CircuitBreaker breaker() {
		return this.breaker;
	}

	/** Calls admitted by the bulkhead and running now; 0 without a bulkhead. */
	public int callsInFlight() {
		return (this.bulkhead != null) ? this.bulkhead.inUse() : 0;
	}

	/** Calls waiting for the bulkhead to admit them; 0 without a bulkhead. */
	public int callsWaiting() {
		return (this.bulkhead != null) ? this.bulkhead.waiting() : 0;
	}

	/**
	 * The limits of one dependency.
	 * <p>
	 * The breaker's failure rate is taken over a time-based window ({@code slidingWindow}, in whole seconds) rather
	 * than over the last N calls: a count of calls keeps an outage's failures for as long as traffic is too light to
	 * push them out, so a breaker that did not open during an outage could open afterwards, on a call that
	 * succeeded. An open breaker goes half-open by itself after {@code waitInOpenState}, lets 3 probe calls through
	 * and closes when they succeed, with a fresh window; so once the dependency answers, the breaker closes within
	 * {@code waitInOpenState} plus one call. A call the bulkhead makes wait is not timed until it is admitted, and a
	 * wait that ends in a refusal ({@link DependencyBusyException}) reaches no breaker: a busy dependency is not a
	 * failed one.
	 *
	 * @param timeout the time limit of one call, from its admission
	 * @param failureRateThreshold percentage of failed calls that opens the breaker
	 * @param minimumNumberOfCalls calls within the window needed before the failure rate counts
	 * @param slidingWindow the time the failure rate is computed over, whole seconds, at least 1 s
	 * @param waitInOpenState how long the breaker stays open before it lets probes through
	 * @param maxConcurrentCalls concurrent calls allowed; 0 for no bound
	 * @param maxWait how long a call beyond {@code maxConcurrentCalls} waits for a free slot before it is refused
	 */
	public record Settings(Duration timeout, float failureRateThreshold, int minimumNumberOfCalls,
			Duration slidingWindow, Duration waitInOpenState, int maxConcurrentCalls, Duration maxWait) {

		public Settings {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
			}
			if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
				throw new IllegalArgumentException(
						"failureRateThreshold must be in (0, 100], but was " + failureRateThreshold);
			}
			if (slidingWindow.toSeconds() < 1) {
				throw new IllegalArgumentException("slidingWindow must be at least 1s, but was " + slidingWindow);
			}
			if (maxWait.isNegative()) {
				throw new IllegalArgumentException("maxWait must not be negative, but was " + maxWait);
			}
		}

	}

}
