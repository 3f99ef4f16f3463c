package dev.tenantgate.audit;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tenantgate.support.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Counts every decision ({@code tenantgate.decisions} by route, outcome and code), times it
 * ({@code tenantgate.decision.duration}), and writes one JSON line per refusal (and per allowed request, when
 * enabled) to the {@code tenantgate.decision} logger.
 */
public final class DecisionRecorder {

	private static final Log decisions = LogFactory.getLog("tenantgate.decision");

	private final MeterRegistry registry;

	private final boolean logAllowed;

	private final Timer allowedTimer;

	// Looked up once per (route, outcome, code): building and registering a meter on every request costs.
	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Counter> allowedCounters = new ConcurrentHashMap<>();

	private final Timer deniedTimer;

	public DecisionRecorder(MeterRegistry registry, boolean logAllowed) {
		this.registry = registry;
		this.logAllowed = logAllowed;
		this.allowedTimer = timer(registry, "allowed");
		this.deniedTimer = timer(registry, "denied");
	}

	public void record(Decision decision) {
		String outcome = decision.allowed() ? "allowed" : (decision.shadow() ? "shadow_denied" : "denied");
		String route = (decision.route() != null) ? decision.route() : "none";
		counter(route, outcome, decision.code()).increment();
		(decision.allowed() ? this.allowedTimer : this.deniedTimer).record(decision.nanos(), TimeUnit.NANOSECONDS);
		if ((!decision.allowed() || this.logAllowed) && decisions.isInfoEnabled()) {
			decisions.info(json(decision, outcome));
		}
	}

	private Counter counter(String route, String outcome, String code) {
		if (outcome.equals("allowed")) {
			// The common case, keyed by the route alone: no key string to build per request.
			return this.allowedCounters.computeIfAbsent(route, (key) -> newCounter(route, outcome, code));
		}
		return this.counters.computeIfAbsent(route + '\u0000' + outcome + '\u0000' + code,
				(key) -> newCounter(route, outcome, code));
	}

	private Counter newCounter(String route, String outcome, String code) {
		return Counter.builder("tenantgate.decisions")
			.description("Authorization decisions")
			.tag("route", route)
			.tag("outcome", outcome)
			.tag("code", code)
			.register(this.registry);
	}

	static String json(Decision decision, String outcome) {
		StringBuilder line = new StringBuilder(192).append("{\"event\":\"decision\",\"outcome\":\"").append(outcome)
			.append("\",\"code\":").append(Json.quote(decision.code()))
			.append(",\"status\":").append(decision.status())
			.append(",\"method\":").append(Json.quote(decision.method()));
		field(line, "route", decision.route());
		field(line, "userId", decision.userId());
		field(line, "tenant", decision.tenant());
		field(line, "tier", decision.tier());
		return line.append(",\"shadow\":").append(decision.shadow())
			.append(",\"durationMs\":")
			.append(String.format(Locale.ROOT, "%.3f", decision.nanos() / 1_000_000.0))
			.append('}')
			.toString();
	}

	private static void field(StringBuilder line, String name, @Nullable String value) {
		if (value != null) {
			line.append(",\"").append(name).append("\":").append(Json.quote(value));
		}
	}

	private static Timer timer(MeterRegistry registry, String outcome) {
		return Timer.builder("tenantgate.decision.duration")
			.description("Time to decide, from route match to the decision")
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.register(registry);
	}

}
