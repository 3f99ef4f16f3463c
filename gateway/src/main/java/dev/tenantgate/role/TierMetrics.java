package dev.tenantgate.role;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of one lookup kind: answers per tier (the hit ratio of a tier is its share of the answers),
 * background refreshes per tier, latency of the Redis and PostgreSQL tiers, and failed database lookups.
 */
final class TierMetrics implements TieredLookup.TierObserver {

	private final Map<TieredLookup.Tier, Counter> answers = new EnumMap<>(TieredLookup.Tier.class);

	private final Map<TieredLookup.Tier, Timer> latency = new EnumMap<>(TieredLookup.Tier.class);

	private final Map<TieredLookup.Tier, Counter> refreshes = new EnumMap<>(TieredLookup.Tier.class);

	private final Counter failures;

	TierMetrics(MeterRegistry registry, String kind) {
		for (TieredLookup.Tier tier : TieredLookup.Tier.values()) {
			this.answers.put(tier, Counter.builder("tenantgate.role.lookups")
				.description("Role lookups by the tier that answered")
				.tag("kind", kind)
				.tag("tier", tier.tag())
				.register(registry));
			if (tier != TieredLookup.Tier.LOCAL) {
				this.refreshes.put(tier, Counter.builder("tenantgate.role.refreshes")
					.description("Cached roles read again in the background, by the tier that answered")
					.tag("kind", kind)
					.tag("tier", tier.tag())
					.register(registry));
				this.latency.put(tier, Timer.builder("tenantgate.role.lookup.duration")
					.description("Latency of the Redis and PostgreSQL tiers")
					.tag("kind", kind)
					.tag("tier", tier.tag())
					.publishPercentileHistogram()
					.register(registry));
			}
		}
		this.failures = Counter.builder("tenantgate.role.lookup.failures")
			.description("Database lookups that failed (the request got 503)")
			.tag("kind", kind)
			.register(registry);
	}

	@Override
	public void answered(TieredLookup.Tier tier, long nanos) {
		this.answers.get(tier).increment();
		Timer timer = this.latency.get(tier);
		if (timer != null) {
			timer.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void refreshed(TieredLookup.Tier tier, long nanos) {
		this.refreshes.get(tier).increment();
		this.latency.get(tier).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void failed() {
		this.failures.increment();
	}

}
