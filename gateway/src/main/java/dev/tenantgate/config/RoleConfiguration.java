package dev.tenantgate.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.tenantgate.resilience.ConnectionPoolWait;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.resilience.GuardHealthIndicator;
import dev.tenantgate.role.CacheSettings;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.SharedRoleStore;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.db.SchemaMismatchException;
import dev.tenantgate.role.db.SchemaVerifier;
import dev.tenantgate.role.redis.RedisChangeTimes;
import dev.tenantgate.role.redis.RedisConnectionOpener;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.trust.InProcessChangeTimes;
import dev.tenantgate.trust.SharedChangeTimes;
import dev.tenantgate.trust.TrustModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Role resolution beans: the three tiers and the read-only database session.
 */
@Configuration(proxyBeanMethods = false)
class RoleConfiguration {

	private static final Log logger = LogFactory.getLog(RoleConfiguration.class);

	/**
	 * Every database session is read-only, whatever role the gateway logs in as: a second guard next to the SELECT-only
	 * database role in {@code config/readonly-role.sql}.
	 */
	@Bean
	ConnectionFactoryOptionsBuilderCustomizer readOnlySessions() {
		return (builder) -> builder.option(PostgresqlConnectionFactoryProvider.OPTIONS,
				Map.of("default_transaction_read_only", "on"));
	}

	/** The guard of every Redis call of the role tiers and the change times (one breaker for the one Redis). */
	@Bean
	DependencyGuard redisGuard(ResilienceProperties resilience) {
		return resilience.redis().guard("redis");
	}

	@Bean
	RedisKeys redisKeys(RoleProperties properties) {
		RoleProperties.Redis settings = properties.redis();
		return new RedisKeys(settings.membershipPrefix(), settings.userPrefix(), settings.changePrefix());
	}

	/** Redis, or no shared tier at all when {@code tenantgate.roles.redis.enabled=false} (a single instance). */
	@Bean
	SharedRoleStore sharedRoleStore(ObjectProvider<ReactiveStringRedisTemplate> redis, RedisKeys keys,
			RoleProperties properties) {
		RoleProperties.Redis settings = properties.redis();
		if (!settings.enabled()) {
			return SharedRoleStore.NONE;
		}
		return new RedisRoleStore(redis.getObject(), keys, settings.ttl(), settings.negativeTtl(),
				settings.clockTolerance());
	}

	/**
	 * Opens the shared Redis connection before the web server takes requests, waiting up to 2 s for it (the
	 * connection's own time limit is {@code spring.data.redis.connect-timeout}, 1 s in application.yml).
	 */
	@Bean
	@ConditionalOnProperty(name = "tenantgate.roles.redis.enabled", havingValue = "true", matchIfMissing = true)
	RedisConnectionOpener redisConnectionOpener(ReactiveStringRedisTemplate redis) {
		return new RedisConnectionOpener(redis, Duration.ofSeconds(2));
	}

	/** Change times shared in Redis, or held in-process when Redis is off. */
	@Bean
	SharedChangeTimes sharedChangeTimes(ObjectProvider<ReactiveStringRedisTemplate> redis, RedisKeys keys,
			RoleProperties properties, DependencyGuard redisGuard) {
		RoleProperties.Redis settings = properties.redis();
		if (!settings.enabled()) {
			return new InProcessChangeTimes(settings.changeRetention(), properties.local().maximumSize());
		}
		return new RedisChangeTimes(redis.getObject(), keys, settings.changeRetention(), redisGuard);
	}

	/**
	 * When a role claim or a cached answer still counts. Without change events ({@code tenantgate.nats.enabled=false})
	 * a claim counts only while younger than the in-process time to live, and the start-up log says so.
	 */
	@Bean
	TrustModel trustModel(SharedChangeTimes changes, RoleProperties properties, TokenProperties token,
			NatsProperties nats, Clock clock) {
		RoleProperties.Local local = properties.local();
		TrustModel trust = new TrustModel(changes, clock, properties.redis().clockTolerance(), token.clockSkew(),
				local.ttl(), local.maximumSize());
		if (!nats.enabled()) {
			logger.warn("Identity change events are off (tenantgate.nats.enabled=false): role changes reach this "
					+ "gateway only as cached answers expire, and role claims in tokens count for at most "
					+ local.ttl().toSeconds() + "s after the token was issued (tenantgate.roles.local.ttl)");
			trust.feedOff(local.ttl());
		}
		return trust;
	}

	@Bean
	BetterAuthRepository betterAuthRepository(DatabaseClient database, SchemaProperties schema) {
		return new BetterAuthRepository(database, schema.mapping());
	}

	/**
	 * The guard of every database call. Its bulkhead admits no more calls than the pool has connections (the pool's
	 * {@code max-size} unless set lower), so an admitted call does not wait for a connection; and its breaker does
	 * not count a wait for a connection that still happens (another user of the pool) as a database failure.
	 */
	@Bean
	DependencyGuard postgresGuard(ResilienceProperties resilience, R2dbcProperties r2dbc,
			ObjectProvider<ConnectionFactory> connections) {
		ConnectionPool pool = (connections.getIfAvailable() instanceof ConnectionPool found) ? found : null;
		int connectionsInPool = r2dbc.getPool().isEnabled() ? r2dbc.getPool().getMaxSize() : 0;
		return resilience.postgres().guardWithin("postgres", connectionsInPool, new ConnectionPoolWait(pool));
	}

	/**
	 * PostgreSQL's health ({@code /actuator/health/postgres}) from the lookups' circuit breaker, in place of Spring
	 * Boot's r2dbc indicator, which takes a connection from the lookups' pool on every check, outside their bulkhead.
	 */
	@Bean
	GuardHealthIndicator postgresHealthIndicator(DependencyGuard postgresGuard) {
		return new GuardHealthIndicator(postgresGuard);
	}

	@Bean
	RoleResolver roleResolver(TrustModel trust, SharedRoleStore redis, BetterAuthRepository database,
			DependencyGuard redisGuard, DependencyGuard postgresGuard, RoleProperties properties, Clock clock,
			MeterRegistry registry) {
		RoleProperties.Local local = properties.local();
		RoleResolver resolver = new RoleResolver(trust, redis, database, redisGuard, postgresGuard, clock,
				new CacheSettings(local.maximumSize(), local.ttl(), local.negativeTtl()));
		resolver.setMeterRegistry(registry);
		return resolver;
	}

	/**
	 * Checks the schema once the context is up. A schema that does not match stops the gateway; an unreachable
	 * database does not (requests fail closed with 503 until it is back).
	 */
	@Bean
	ApplicationRunner schemaCheck(DatabaseClient database, SchemaProperties schema) {
		return (args) -> {
			if (!schema.verifyOnStartup()) {
				return;
			}
			SchemaVerifier verifier = new SchemaVerifier(database, schema.mapping(), schema.expectedIndexes());
			try {
				verifier.verify(schema.verifyTimeout());
			}
			catch (SchemaMismatchException ex) {
				throw ex;
			}
			catch (RuntimeException ex) {
				logger.warn("Could not check the Better Auth schema, the database is unreachable: " + ex.getMessage());
			}
		};
	}

}
