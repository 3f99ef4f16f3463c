package dev.tenantgate.support;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.tenantgate.role.redis.RedisKeys;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

/**
 * A connection to the test services' Redis with key prefixes of its own, so tests running against the same Redis
 * never see each other's keys. Registered on a test class ({@code @RegisterExtension final TestRedis testRedis =
 * new TestRedis();}), it connects before each test (before the class's own {@code @BeforeEach} methods, which can
 * use it), skips the test when there is no Redis, and after each test deletes every key under its prefixes and
 * disconnects.
 */
public final class TestRedis implements BeforeEachCallback, AfterEachCallback {

	private @Nullable LettuceConnectionFactory connectionFactory;

	private @Nullable ReactiveStringRedisTemplate template;

	private @Nullable RedisKeys keys;

	@Override
	public void beforeEach(ExtensionContext context) {
		TestServices.Endpoints services = TestServices.require();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(services.redisHost(), services.redisPort()));
		// Opened now, as the gateway opens it before it takes requests (RedisConnectionOpener): on a loaded machine,
		// opening it on first use can outlast the first calls' time limit, and a fill that gives up is not retried.
		factory.setEagerInitialization(true);
		factory.afterPropertiesSet();
		factory.start();
		this.connectionFactory = factory;
		this.template = new ReactiveStringRedisTemplate(factory);
		String run = "t" + UUID.randomUUID().toString().replace("-", "");
		this.keys = new RedisKeys(run + "perm:", run + "perm-user:", run + "perm-chg:");
	}

	/** The template of the current test. */
	public ReactiveStringRedisTemplate template() {
		return Objects.requireNonNull(this.template, "not connected: register TestRedis with @RegisterExtension");
	}

	/** The membership, user and change-time key prefixes of the current test. */
	public RedisKeys keys() {
		return Objects.requireNonNull(this.keys, "not connected: register TestRedis with @RegisterExtension");
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.connectionFactory == null) {
			return;
		}
		try {
			for (String prefix : List.of(keys().membershipPrefix(), keys().userPrefix(), keys().changePrefix())) {
				template().delete(template().scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build()))
					.block(Duration.ofSeconds(5));
			}
		}
		finally {
			this.connectionFactory.destroy();
			this.connectionFactory = null;
			this.template = null;
			this.keys = null;
		}
	}

}
