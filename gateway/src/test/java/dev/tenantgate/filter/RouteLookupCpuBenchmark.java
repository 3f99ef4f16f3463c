package dev.tenantgate.filter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutesFileLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.CachingRouteLocator;
import org.springframework.cloud.gateway.route.CompositeRouteLocator;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * The CPU time of finding a request's route (issue 27), per look-up: the handler mapping from an exchange to its
 * route attribute, with the matched route ({@code /api/orgs/{orgId}/orders/**}) first, behind 100 and behind 1,000
 * routes that never match ({@code /api/orgs/{orgId}/svcN/**}); tenantgate's {@link PolicyRouteHandlerMapping} (the
 * index) and Spring Cloud Gateway's own {@link RoutePredicateHandlerMapping} (each route's predicate in turn), both on
 * the framework's route cache as the application wires them.
 * <p>
 * The thread's CPU time, not the wall-clock time: on a machine shared with other work a thread waits for a core for
 * longer than a look-up takes, and the wall-clock time measures the others' load. The set-ups are measured in
 * alternating rounds (the order reversed every round) after a warm-up of each; printed per round and as medians.
 * bench/jmh's {@code RouteLookupBenchmark} measures the same with JMH, for a quiet machine.
 * <p>
 * Run: {@code ./mvnw -pl gateway test -Dtest=RouteLookupCpuBenchmark -Dgroups=benchmark
 * -Dtenantgate.excludedGroups=none}
 */
@Tag("benchmark")
class RouteLookupCpuBenchmark {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private static final NormalizedPath PATH = new NormalizedPath(List.of("api", "orgs", "acme", "orders", "42"));

	private static final int ROUNDS = Integer.getInteger("lookup.rounds", 7);

	private static final int LOOKUPS = Integer.getInteger("lookup.count", 20_000);

	@Test
	void lookupCpuTime() {
		Map<String, RoutePredicateHandlerMapping> setUps = new LinkedHashMap<>();
		for (int before : new int[] { 0, 100, 1000 }) {
			setUps.put("index, behind " + before, mapping(before, true));
			setUps.put("Spring Cloud Gateway's look-up, behind " + before, mapping(before, false));
		}
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(PATH.encoded()));
		for (RoutePredicateHandlerMapping mapping : setUps.values()) {
			for (int i = 0; i < 10; i++) {
				nanosPerLookup(mapping, exchange, LOOKUPS); // warm-up: the JIT compiles both look-ups
			}
		}
		Map<String, List<Double>> results = new LinkedHashMap<>();
		setUps.keySet().forEach((name) -> results.put(name, new ArrayList<>()));
		List<String> order = new ArrayList<>(setUps.keySet());
		for (int round = 1; round <= ROUNDS; round++) {
			for (String name : order) {
				results.get(name).add(nanosPerLookup(setUps.get(name), exchange, LOOKUPS));
			}
			java.util.Collections.reverse(order);
		}
		StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
				"%nCPU time per route look-up, %d alternating rounds of %,d look-ups (ns; median, then each round):%n",
				ROUNDS, LOOKUPS));
		results.forEach((name, values) -> out.append(String.format(Locale.ROOT, "  %-45s %,8.0f   %s%n", name,
				median(values), values.stream().map((v) -> String.format(Locale.ROOT, "%.0f", v)).toList())));
		System.out.println(out);
	}

	private static double nanosPerLookup(RoutePredicateHandlerMapping mapping, MockServerWebExchange exchange, int count) {
		long start = THREADS.getCurrentThreadCpuTime();
		for (int i = 0; i < count; i++) {
			exchange.getAttributes().clear();
			exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, PATH);
			mapping.getHandler(exchange).block();
			Route route = exchange.getRequiredAttribute(GATEWAY_ROUTE_ATTR);
			if (!"orders".equals(route.getId())) {
				throw new IllegalStateException("the request did not reach its route: " + route.getId());
			}
		}
		return (double) (THREADS.getCurrentThreadCpuTime() - start) / count;
	}

	private static RoutePredicateHandlerMapping mapping(int before, boolean indexed) {
		StringBuilder yaml = new StringBuilder("routes:\n");
		for (int i = 0; i < before; i++) {
			yaml.append("  - id: svc").append(i).append("\n    uri: http://127.0.0.1:9001\n    path: /api/orgs/{orgId}/svc")
				.append(i).append("/**\n    rules:\n      GET: { min-role: viewer }\n");
		}
		yaml.append("  - id: orders\n    uri: http://127.0.0.1:9001\n    path: /api/orgs/{orgId}/orders/**\n"
				+ "    rules:\n      GET: { min-role: viewer }\n");
		PolicyRouteLocator routes = new PolicyRouteLocator(RoutesFileLoader.parse(yaml.toString(), "routes.yml"));
		CachingRouteLocator cache = new CachingRouteLocator(new CompositeRouteLocator(Flux.just(routes)));
		List<PolicyRouteHandlerMapping> listeners = new ArrayList<>(1);
		cache.setApplicationEventPublisher((event) -> {
			if (event instanceof RefreshRoutesResultEvent result && !listeners.isEmpty()) {
				listeners.get(0).onApplicationEvent(result);
			}
		});
		FilteringWebHandler handler = new FilteringWebHandler(List.of(), true);
		RoutePredicateHandlerMapping mapping;
		if (indexed) {
			PolicyRouteHandlerMapping indexedMapping = new PolicyRouteHandlerMapping(handler, cache,
					new GlobalCorsProperties(), new MockEnvironment(), routes);
			listeners.add(indexedMapping);
			mapping = indexedMapping;
		}
		else {
			mapping = new RoutePredicateHandlerMapping(handler, cache, new GlobalCorsProperties(), new MockEnvironment());
		}
		cache.onApplicationEvent(new RefreshRoutesEvent(routes));
		if (indexed) {
			assertThat(((PolicyRouteHandlerMapping) mapping).isIndexed()).isTrue();
		}
		return mapping;
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return sorted[sorted.length / 2];
	}

}
