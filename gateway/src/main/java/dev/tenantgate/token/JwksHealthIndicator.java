package dev.tenantgate.token;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while signing keys are loaded (the last good set counts even if the endpoint is failing right now): without
 * keys no token can be verified. While down, each check starts a fetch (rate-limited), so a gateway whose first
 * fetch failed becomes ready once the endpoint answers.
 */
public final class JwksHealthIndicator implements HealthIndicator {

	private final JwksKeySource keys;

	public JwksHealthIndicator(JwksKeySource keys) {
		this.keys = keys;
	}

	@Override
	public Health health() {
		boolean loaded = !this.keys.keyIds().isEmpty();
		if (!loaded) {
			// Nothing else fetches before the first token arrives, and a probe that is down gets no traffic: retry
			// here, in the background and within the fetch rate limit.
			this.keys.prefetch();
		}
		Health.Builder health = loaded ? Health.up() : Health.down();
		return health.withDetail("keys", this.keys.keyIds().size())
			.withDetail("fetchedAt", this.keys.fetchedAt().toString())
			.build();
	}

}
