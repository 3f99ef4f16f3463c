package dev.tenantgate.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tenantgate.filter.PolicyRouteHandlerMapping;
import dev.tenantgate.filter.PolicyRouteLocator;
import dev.tenantgate.filter.TenantgateAttributes;
import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutesFileLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
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

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Finding a request's route (issue 27): the handler mapping's look-up, from a fresh exchange to the route attribute,
 * with the matched route ({@code /api/orgs/{orgId}/orders/**}) behind {@code before} routes that never match
 * ({@code /api/orgs/{orgId}/svcN/**}). {@code indexed} is tenantgate's {@link PolicyRouteHandlerMapping}; otherwise
 * Spring Cloud Gateway's own {@link RoutePredicateHandlerMapping}, which tries each route's predicate in turn. Both
 * read the routes from Spring Cloud Gateway's route cache, wired as in the application. {@code harness} is resetting
 * the exchange alone, to subtract.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteLookupBenchmark {

	private static final NormalizedPath PATH = new NormalizedPath(List.of("api", "orgs", "acme", "orders", "42"));

	@Param({ "0", "100", "1000" })
	int before;

	@Param({ "true", "false" })
	boolean indexed;

	private RoutePredicateHandlerMapping mapping;

	/** One exchange, its attributes reset for every look-up: building one costs far more than the look-up. */
	private final MockServerWebExchange exchange = MockServerWebExchange
		.from(MockServerHttpRequest.get("/api/orgs/acme/orders/42"));

	@Setup
	public void setUp() {
		StringBuilder yaml = new StringBuilder("routes:\n");
		for (int i = 0; i < this.before; i++) {
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
		if (this.indexed) {
			PolicyRouteHandlerMapping indexedMapping = new PolicyRouteHandlerMapping(handler, cache,
					new GlobalCorsProperties(), new MockEnvironment(), routes);
			listeners.add(indexedMapping);
			this.mapping = indexedMapping;
		}
		else {
			this.mapping = new RoutePredicateHandlerMapping(handler, cache, new GlobalCorsProperties(),
					new MockEnvironment());
		}
		cache.onApplicationEvent(new RefreshRoutesEvent(this));
		if (!"orders".equals(lookUp().getId())) {
			throw new IllegalStateException("the benchmark's request does not reach its route");
		}
		if (this.indexed && !((PolicyRouteHandlerMapping) this.mapping).isIndexed()) {
			throw new IllegalStateException("the index is not in force");
		}
	}

	@Benchmark
	public Route lookUp() {
		MockServerWebExchange exchange = this.exchange;
		exchange.getAttributes().clear();
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, PATH);
		this.mapping.getHandler(exchange).block();
		return exchange.getRequiredAttribute(GATEWAY_ROUTE_ATTR);
	}

	/** Clearing and setting the exchange's attributes alone, to subtract. */
	@Benchmark
	public MockServerWebExchange harness() {
		MockServerWebExchange exchange = this.exchange;
		exchange.getAttributes().clear();
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, PATH);
		return exchange;
	}

}
