package dev.tenantgate.role.redis;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Where {@link RedisCalls} subscribes a call: off the caller's thread until one has succeeded, then where made. */
class RedisCallsTests {

	private final RedisCalls calls = new RedisCalls(new ReactiveStringRedisTemplate(new LettuceConnectionFactory()));

	private final Mono<String> subscribingThread = Mono.fromCallable(() -> Thread.currentThread().getName());

	@Test
	void callsAreSubscribedOnTheOpeningThreadUntilOneHasSucceeded() {
		assertThat(this.calls.connectionOpen()).isFalse();

		StepVerifier.create(this.calls.call(this.subscribingThread))
			.expectNext(RedisCalls.OPENING_THREAD)
			.verifyComplete();

		assertThat(this.calls.connectionOpen()).isTrue();
		StepVerifier.create(this.calls.call(this.subscribingThread))
			.expectNext(Thread.currentThread().getName())
			.verifyComplete();
	}

	@Test
	void aCallThatAnswersNothingAlsoShowsTheConnectionOpen() {
		StepVerifier.create(this.calls.call(Mono.<String>empty())).verifyComplete();

		assertThat(this.calls.connectionOpen()).isTrue();
	}

	@Test
	void aFailedCallLeavesTheCallsOnTheOpeningThread() {
		StepVerifier.create(this.calls.call(Mono.error(new IllegalStateException("no connection"))))
			.expectErrorMessage("no connection")
			.verify();

		assertThat(this.calls.connectionOpen()).isFalse();
		StepVerifier.create(this.calls.call(this.subscribingThread))
			.expectNext(RedisCalls.OPENING_THREAD)
			.verifyComplete();
	}

	@Test
	void eachTemplateHasItsOwnConnectionState() {
		RedisCalls other = new RedisCalls(new ReactiveStringRedisTemplate(new LettuceConnectionFactory()));

		StepVerifier.create(this.calls.call(this.subscribingThread)).expectNextCount(1).verifyComplete();

		assertThat(this.calls.connectionOpen()).isTrue();
		assertThat(other.connectionOpen()).isFalse();
		StepVerifier.create(other.call(this.subscribingThread))
			.expectNext(RedisCalls.OPENING_THREAD)
			.verifyComplete();
	}

}
