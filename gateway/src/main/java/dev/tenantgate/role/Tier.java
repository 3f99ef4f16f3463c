package dev.tenantgate.role;

import java.util.Locale;

/** The tiers an answer comes from, as named in metrics and the decision log. */
enum Tier {

	LOCAL, REDIS, POSTGRES;

	String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
