package dev.tenantgate.invalidation;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The NATS subscription in health: UP while connected, with the subjects and the message counts.
 */
public final class NatsHealthIndicator implements HealthIndicator {

	private final NatsEventSubscriber subscriber;

	public NatsHealthIndicator(NatsEventSubscriber subscriber) {
		this.subscriber = subscriber;
	}

	@Override
	public Health health() {
		String status = this.subscriber.status();
		Health.Builder health = "CONNECTED".equals(status) ? Health.up() : Health.down();
		return health.withDetail("connection", status)
			.withDetail("subjects", this.subscriber.subjects())
			.withDetail("messages", this.subscriber.handler().counts())
			.build();
	}

}
