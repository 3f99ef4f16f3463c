package dev.tenantgate.token;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while signing keys are loaded (the last good set counts even if the endpoint is failing right now): without
 * keys no token can be verified.
 */
public final class JwksHealthIndicator implements HealthIndicator {

	private final JwksKeySource keys;

	public JwksHealthIndicator(JwksKeySource keys) {
		this.keys = keys;
	}

	@Override
	public Health health() {
		Health.Builder health = this.keys.keyIds().isEmpty() ? Health.down() : Health.up();
		return health.withDetail("keys", this.keys.keyIds().size())
			.withDetail("fetchedAt", this.keys.fetchedAt().toString())
			.build();
	}

}
