package dev.tenantgate.role;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of one lookup kind: answers per tier ({@code tenantgate.role.lookups}; the hit ratio of a tier
 * is its share of the answers), reads of Redis and PostgreSQL with their latency ({@code tenantgate.role.lookup.duration};
 * its count is the number of reads, which one load shares between every request waiting for it), answers loaded
 * again in the background ({@code tenantgate.role.refreshes}), and failed database lookups.
 */
final class TierMetrics implements TierObserver {

	private final Map<Tier, Counter> answers = new EnumMap<>(Tier.class);

	private final Map<Tier, Timer> latency = new EnumMap<>(Tier.class);

	private final Map<Tier, Counter> refreshes = new EnumMap<>(Tier.class);

	private final Counter failures;

	TierMetrics(MeterRegistry registry, String kind) {
		for (Tier tier : Tier.values()) {
			this.answers.put(tier, Counter.builder("tenantgate.role.lookups")
				.description("Role lookups by the tier that answered")
				.tag("kind", kind)
				.tag("tier", tier.tag())
				.register(registry));
			if (tier != Tier.LOCAL) {
				this.refreshes.put(tier, Counter.builder("tenantgate.role.refreshes")
					.description("Cached roles read again in the background, by the tier that answered")
					.tag("kind", kind)
					.tag("tier", tier.tag())
					.register(registry));
				this.latency.put(tier, Timer.builder("tenantgate.role.lookup.duration")
					.description("Reads of the Redis and PostgreSQL tiers, with their latency")
					.tag("kind", kind)
					.tag("tier", tier.tag())
					.publishPercentileHistogram()
					.register(registry));
			}
		}
		this.failures = Counter.builder("tenantgate.role.lookup.failures")
			.description("Database lookups that failed (the requests waiting for them got 503)")
			.tag("kind", kind)
			.register(registry);
	}

	@Override
	public void answered(Tier tier) {
		this.answers.get(tier).increment();
	}

	@Override
	public void read(Tier tier, long nanos) {
		this.latency.get(tier).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void refreshed(Tier tier) {
		this.refreshes.get(tier).increment();
	}

	@Override
	public void failed() {
		this.failures.increment();
	}

}
