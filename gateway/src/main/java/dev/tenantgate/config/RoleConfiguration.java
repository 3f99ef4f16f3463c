package dev.tenantgate.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.resilience.GuardHealthIndicator;
import dev.tenantgate.role.ChangeTimes;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.SharedRoleStore;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.db.SchemaMismatchException;
import dev.tenantgate.role.db.SchemaVerifier;
import dev.tenantgate.role.local.LocalChangeTimes;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.role.redis.RedisChangeTimes;
import dev.tenantgate.role.redis.RedisConnectionOpener;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.role.redis.RedisRoleStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
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

	@Bean
	LocalRoleCache localRoleCache(RoleProperties properties) {
		RoleProperties.Local local = properties.local();
		return new LocalRoleCache(local.maximumSize(), local.ttl(), local.negativeTtl());
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
	ChangeTimes changeTimes(ObjectProvider<ReactiveStringRedisTemplate> redis, RoleProperties properties) {
		RoleProperties.Redis settings = properties.redis();
		if (!settings.enabled()) {
			return new LocalChangeTimes(settings.changeRetention(), properties.local().maximumSize());
		}
		return new RedisChangeTimes(redis.getObject(), settings.changeRetention(), properties.local().ttl(),
				properties.local().maximumSize());
	}

	@Bean
	BetterAuthRepository betterAuthRepository(DatabaseClient database, SchemaProperties schema) {
		return new BetterAuthRepository(database, schema.mapping());
	}

	/** The time limit, circuit breaker and bulkhead of the PostgreSQL lookups. */
	@Bean
	DependencyGuard postgresGuard(ResilienceProperties resilience) {
		return resilience.postgres().guard("postgres");
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
	RoleResolver roleResolver(LocalRoleCache local, SharedRoleStore redis, ChangeTimes changes, RedisKeys keys,
			BetterAuthRepository database, ResilienceProperties resilience, DependencyGuard postgresGuard,
			RoleProperties properties, Clock clock, MeterRegistry registry) {
		RoleResolver resolver = new RoleResolver(local, redis, changes, keys, database,
				resilience.redis().guard("redis"), postgresGuard, clock);
		resolver.setMeterRegistry(registry);
		resolver.setFillQuietPeriod(properties.redis().clockTolerance());
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
