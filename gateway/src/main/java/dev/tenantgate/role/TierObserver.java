package dev.tenantgate.role;

/** Sees every answer's tier, every read's latency, background refreshes, and failed database reads. */
interface TierObserver {

	TierObserver NONE = new TierObserver() {
	};

	/** A request's answer came from {@code tier} (a request that joined a load counts under the load's tier). */
	default void answered(Tier tier) {
	}

	/** A read of Redis or PostgreSQL, for a request or in the background, took {@code nanos}. */
	default void read(Tier tier, long nanos) {
	}

	/** An answer was loaded again in the background from {@code tier}; no request waited for it. */
	default void refreshed(Tier tier) {
	}

	/** A database read a request waited for failed. */
	default void failed() {
	}

}
