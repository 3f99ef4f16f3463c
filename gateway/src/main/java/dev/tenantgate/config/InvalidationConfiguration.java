package dev.tenantgate.config;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import dev.tenantgate.invalidation.ChangeReplay;
import dev.tenantgate.invalidation.IdentityEvent;
import dev.tenantgate.invalidation.IdentityEventHandler;
import dev.tenantgate.invalidation.IdentityEventParser;
import dev.tenantgate.invalidation.NatsEventSubscriber;
import dev.tenantgate.invalidation.NatsHealthIndicator;
import dev.tenantgate.role.RoleResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.api.StorageType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cache invalidation from the identity change events on NATS.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tenantgate.nats.enabled", havingValue = "true", matchIfMissing = true)
class InvalidationConfiguration {

	@Bean
	IdentityEventHandler identityEventHandler(RoleResolver roles, NatsProperties properties, Clock clock,
			MeterRegistry registry) {
		IdentityEventHandler handler = new IdentityEventHandler(roles, properties.deduplicationWindow(), clock);
		handler.setMeterRegistry(registry);
		return handler;
	}

	@Bean
	NatsEventSubscriber natsEventSubscriber(NatsProperties properties, IdentityEventHandler handler,
			RoleResolver roles, Clock clock) {
		List<String> subjects = Arrays.stream(IdentityEvent.Type.values())
			.map((type) -> properties.subjectPrefix() + type.subject())
			.toList();
		NatsProperties.Replay settings = properties.replay();
		ChangeReplay replay = settings.enabled() ? new ChangeReplay(settings.streamName(properties.subjectPrefix()),
				subjects, settings.maxAge(),
				(settings.storage() == NatsProperties.Storage.MEMORY) ? StorageType.Memory : StorageType.File,
				settings.create()) : null;
		return new NatsEventSubscriber(properties.url(), properties.subjectPrefix(), new IdentityEventParser(),
				handler, roles, replay, clock);
	}

	@Bean
	NatsHealthIndicator natsHealthIndicator(NatsEventSubscriber subscriber) {
		return new NatsHealthIndicator(subscriber);
	}

}
