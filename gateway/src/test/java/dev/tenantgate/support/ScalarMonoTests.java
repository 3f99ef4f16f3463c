package dev.tenantgate.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import org.junit.jupiter.api.Test;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScalarMono} must behave exactly like the Reactor operators it stands for, and stay scalar (no operator
 * assembled) while its sources are.
 */
class ScalarMonoTests {

	private static final AccessDeniedException DENIED = new AccessDeniedException(FailureCode.ROLE_INSUFFICIENT);

	@Test
	void flatMapOfAValueIsAppliedAtOnceAndStaysScalar() {
		Mono<Integer> result = ScalarMono.flatMap(Mono.just(2), (n) -> Mono.just(n * 21));
		assertThat(result).isInstanceOf(Fuseable.ScalarCallable.class);
		StepVerifier.create(result).expectNext(42).verifyComplete();
	}

	@Test
	void flatMapPassesErrorsAndEmptinessThroughWithoutCallingTheMapper() {
		AtomicInteger calls = new AtomicInteger();
		StepVerifier.create(ScalarMono.flatMap(Mono.<Integer>error(DENIED), (n) -> Mono.just(calls.incrementAndGet())))
			.verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(DENIED));
		StepVerifier.create(ScalarMono.flatMap(Mono.<Integer>empty(), (n) -> Mono.just(calls.incrementAndGet())))
			.verifyComplete();
		assertThat(calls).hasValue(0);
	}

	@Test
	void aMapperThatThrowsBecomesAnError() {
		StepVerifier.create(ScalarMono.flatMap(Mono.just(1), (n) -> {
			throw DENIED;
		})).verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(DENIED));
		StepVerifier.create(ScalarMono.map(Mono.just(1), (n) -> {
			throw DENIED;
		})).verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(DENIED));
	}

	@Test
	void aSourceThatIsNotScalarGetsTheReactorOperatorAndIsNotSubscribedEarly() {
		AtomicInteger subscriptions = new AtomicInteger();
		Mono<Integer> later = Mono.fromCallable(subscriptions::incrementAndGet).delayElement(Duration.ofMillis(5));
		Mono<Integer> result = ScalarMono.map(ScalarMono.flatMap(later, (n) -> Mono.just(n + 1)), (n) -> n * 10);
		assertThat(result).isNotInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(subscriptions).hasValue(0);
		StepVerifier.create(result).expectNext(20).verifyComplete();
	}

	@Test
	void handleSendsTheValueAndTheExpectedErrorTheirWays() {
		StepVerifier.create(ScalarMono.handle(Mono.just("ok"), (v) -> Mono.just("allowed " + v),
				AccessDeniedException.class, (ex) -> Mono.just("denied " + ex.failureCode().code())))
			.expectNext("allowed ok")
			.verifyComplete();
		StepVerifier.create(ScalarMono.handle(Mono.<String>error(DENIED), (v) -> Mono.just("allowed " + v),
				AccessDeniedException.class, (ex) -> Mono.just("denied " + ex.failureCode().code())))
			.expectNext("denied role_insufficient")
			.verifyComplete();
	}

	@Test
	void handleLeavesOtherErrorsAlone() {
		IllegalStateException other = new IllegalStateException("boom");
		for (Mono<String> source : java.util.List.of(Mono.<String>error(other),
				Mono.<String>error(other).delaySubscription(Duration.ofMillis(1)))) {
			StepVerifier.create(ScalarMono.handle(source, Mono::just, AccessDeniedException.class,
					(ex) -> Mono.just("denied")))
				.verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(other));
		}
	}

	@Test
	void handleDoesNotTurnAnErrorOfTheValuePathIntoTheErrorPath() {
		// A refusal raised downstream of an allowed decision (by the proxied call) is not a second decision.
		for (Mono<String> source : java.util.List.of(Mono.just("ok"),
				Mono.just("ok").delayElement(Duration.ofMillis(1)))) {
			StepVerifier.create(ScalarMono.handle(source, (v) -> Mono.<String>error(DENIED),
					AccessDeniedException.class, (ex) -> Mono.just("denied")))
				.verifyErrorSatisfies((ex) -> assertThat(ex).isSameAs(DENIED));
		}
	}

	@Test
	void handleOfANonScalarSourceIsLikeTheScalarOne() {
		StepVerifier.create(ScalarMono.handle(Mono.<String>error(DENIED).delaySubscription(Duration.ofMillis(1)),
				(v) -> Mono.just("allowed"), AccessDeniedException.class, (ex) -> Mono.just("denied")))
			.expectNext("denied")
			.verifyComplete();
		StepVerifier.create(ScalarMono.handle(Mono.just("ok").delayElement(Duration.ofMillis(1)),
				(v) -> Mono.just("allowed " + v), AccessDeniedException.class, (ex) -> Mono.just("denied")))
			.expectNext("allowed ok")
			.verifyComplete();
	}

}
