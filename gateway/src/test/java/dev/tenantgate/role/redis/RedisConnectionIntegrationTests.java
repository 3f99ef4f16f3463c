package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the gateway opens its one shared Redis connection, against a real Redis behind a proxy that can hold the
 * connection's handshake: before the gateway takes requests, and, when that was not possible, by the first call,
 * without the calls that time out meanwhile breaking the opening.
 */
class RedisConnectionIntegrationTests {

	private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

	private TcpProxy proxy;

	private LettuceConnectionFactory connectionFactory;

	private ReactiveStringRedisTemplate template;

	private RedisRoleStore store;

	/** The time limit of the calls that give up while the connection opens. */
	private final DependencyGuard guard = TestGuards.permissive("redis", Duration.ofMillis(150));

	@BeforeEach
	void start() {
		TestServices.Endpoints services = TestServices.require();
		this.proxy = TcpProxy.start("redis", services.redisHost(), services.redisPort());
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.proxy.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1)).build());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.template = new ReactiveStringRedisTemplate(this.connectionFactory);
		this.store = new RedisRoleStore(this.template,
				new RedisKeys("conn-test:perm:", "conn-test:perm-user:", "conn-test:perm-chg:"), Duration.ofMinutes(5),
				Duration.ofSeconds(30), Duration.ofSeconds(1));
		Hooks.onErrorDropped(this.dropped::add);
	}

	@AfterEach
	void stop() {
		Hooks.resetOnErrorDropped();
		this.connectionFactory.destroy();
		this.proxy.close();
	}

	@Test
	void callsThatTimeOutWhileTheConnectionOpensLeaveTheOpeningToFinish() {
		this.proxy.blackhole();

		// The first call opens the connection; Redis does not answer its handshake within the time limit.
		StepVerifier.create(this.guard.guard(this.store.user("nobody"))).expectError(TimeoutException.class).verify();
		StepVerifier.create(this.guard.guard(this.store.user("nobody"))).expectError(TimeoutException.class).verify();
		this.proxy.restore();

		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> StepVerifier
			.create(TestGuards.permissive("redis", Duration.ofSeconds(2)).guard(this.store.user("nobody")))
			.assertNext((read) -> assertThat(read.value()).isNull())
			.verifyComplete());
		assertThat(this.dropped).as("errors of cancelled calls, logged as dropped").isEmpty();
		assertThat(this.proxy.connectionsAccepted()).as("the opening the first call began was finished and used")
			.isEqualTo(1);
	}

	@Test
	void anOpeningThatFailsAfterItsCallGaveUpIsNotLoggedAsDropped() throws InterruptedException {
		this.proxy.blackhole();

		StepVerifier.create(this.guard.guard(this.store.user("nobody"))).expectError(TimeoutException.class).verify();
		// The opening gives up too (its handshake time limit is the command timeout, 1 s), after the call did.
		Thread.sleep(2000);
		this.proxy.restore();

		assertThat(this.dropped).as("errors of cancelled calls, logged as dropped").isEmpty();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> StepVerifier
			.create(TestGuards.permissive("redis", Duration.ofSeconds(2)).guard(this.store.user("nobody")))
			.assertNext((read) -> assertThat(read.value()).isNull())
			.verifyComplete());
	}

	@Test
	void theConnectionIsOpenedBeforeTheGatewayTakesRequests() {
		RedisConnectionOpener opener = new RedisConnectionOpener(this.template, Duration.ofSeconds(2));

		opener.start();

		assertThat(this.proxy.connectionsAccepted()).isEqualTo(1);
		StepVerifier.create(this.template.opsForValue().get("conn-test:nothing")).verifyComplete();
		assertThat(this.proxy.connectionsAccepted()).as("the calls use the connection opened at start-up").isEqualTo(1);
		assertThat(opener.isRunning()).isTrue();
	}

	@Test
	void aRedisThatDoesNotAnswerAtStartUpDoesNotStopTheGateway() {
		RedisConnectionOpener opener = new RedisConnectionOpener(this.template, Duration.ofMillis(300));
		this.proxy.blackhole();
		long started = System.nanoTime();

		opener.start();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		this.proxy.restore();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(
				() -> StepVerifier.create(this.template.opsForValue().get("conn-test:nothing")).verifyComplete());
		assertThat(this.proxy.connectionsAccepted()).as("the opening begun at start-up finished and is used")
			.isEqualTo(1);
	}

}
