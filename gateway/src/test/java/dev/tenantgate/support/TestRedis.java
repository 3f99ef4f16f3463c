package dev.tenantgate.support;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tenantgate.role.redis.RedisKeys;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

/**
 * A connection to the test services' Redis with key prefixes of its own, so tests running against the same Redis
 * never see each other's keys. {@link #close()} deletes every key under those prefixes and disconnects.
 */
public final class TestRedis implements AutoCloseable {

	private final LettuceConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate template;

	private final RedisKeys keys;

	public TestRedis(TestServices.Endpoints services) {
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(services.redisHost(), services.redisPort()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.template = new ReactiveStringRedisTemplate(this.connectionFactory);
		String run = "t" + UUID.randomUUID().toString().replace("-", "");
		this.keys = new RedisKeys(run + "perm:", run + "perm-user:", run + "perm-chg:");
	}

	public ReactiveStringRedisTemplate template() {
		return this.template;
	}

	/** The membership, user and change-time key prefixes of this connection's tests. */
	public RedisKeys keys() {
		return this.keys;
	}

	@Override
	public void close() {
		for (String prefix : List.of(this.keys.membershipPrefix(), this.keys.userPrefix(), this.keys.changePrefix())) {
			this.template
				.delete(this.template.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build()))
				.block(Duration.ofSeconds(5));
		}
		this.connectionFactory.destroy();
	}

}
