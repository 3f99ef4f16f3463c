package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutePolicy;
import dev.tenantgate.policy.RoutesFile;
import dev.tenantgate.policy.RoutesFileLoader;
import dev.tenantgate.policy.RoutesLinter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PolicyRouteLocator#lookup} against what Spring Cloud Gateway's own look-up does with the same routes: their
 * predicates tried in the order the locator hands them out, the first that holds wins, and the filter then matching
 * the winner's template for its variables. Route sets are written as {@code routes.yml} and loaded as the gateway
 * loads them. // issue-27
 */
class PolicyRouteLocatorPropertyTests {

	private static final List<String> LITERALS = List.of("api", "orgs", "leave", "svc1");

	/** Segments of request paths: the literals, and values for the variables. */
	private static final List<String> PATH_SEGMENTS = List.of("api", "orgs", "leave", "svc1", "acme", "42", "x y");

	@Property(tries = 2000)
	void lookupFindsTheRouteAndVariablesThePredicateScanFinds(@ForAll("routesFiles") RoutesFile routes,
			@ForAll("paths") NormalizedPath path) {
		PolicyRouteLocator locator = new PolicyRouteLocator(routes);
		Route expected = scan(locator, path);
		PolicyRouteLocator.IndexedRoute found = locator.lookup(path);
		Statistics.label("matched").collect(expected != null);
		if (expected == null) {
			assertThat(found).isNull();
			return;
		}
		assertThat(found).isNotNull();
		assertThat(found.route()).isSameAs(expected);
		RoutePolicy policy = (RoutePolicy) expected.getMetadata().get(TenantgateAttributes.POLICY_METADATA);
		assertThat(found.match().route()).isSameAs(policy);
		Map<String, String> variables = policy.path().match(path);
		assertThat(found.match().variables()).isEqualTo(variables);
		assertThat(found.match().tenant()).isEqualTo((policy.tenantVariable() != null)
				? variables.get(policy.tenantVariable()) : null);
	}

	/** The linter and the index agree: a route the linter calls unreachable is never the one found. */
	@Property(tries = 1000)
	void lookupNeverFindsARouteTheLinterReportsUnreachable(@ForAll("routesFiles") RoutesFile routes,
			@ForAll("paths") NormalizedPath path) {
		List<String> warnings = RoutesLinter.lint(routes, "routes.yml");
		PolicyRouteLocator.IndexedRoute found = new PolicyRouteLocator(routes).lookup(path);
		if (found != null) {
			assertThat(warnings).noneMatch((warning) -> warning.contains(" route '" + found.match().route().id()
					+ "' is never reached"));
		}
	}

	@Example
	void lookupAfterUpdateUsesTheNewRoutesAndIndexTogether() {
		PolicyRouteLocator locator = new PolicyRouteLocator(routesFile(List.of("/api/orgs/{orgId}/leave/**")));
		NormalizedPath path = new NormalizedPath(List.of("api", "orgs", "acme", "leave"));
		assertThat(locator.lookup(path).route().getId()).isEqualTo("r0");
		locator.update(routesFile(List.of("/api/orgs/{orgId}/svc1/**", "/api/orgs/{orgId}/**")));
		PolicyRouteLocator.IndexedRoute found = locator.lookup(path);
		assertThat(found.route().getId()).isEqualTo("r1");
		assertThat(found.match().tenant()).isEqualTo("acme");
		assertThat(locator.getRoutes().collectList().block()).contains(found.route());
	}

	@Provide
	Arbitrary<RoutesFile> routesFiles() {
		return templates().list().ofMinSize(1).ofMaxSize(10).map(PolicyRouteLocatorPropertyTests::routesFile);
	}

	@Provide
	Arbitrary<NormalizedPath> paths() {
		return Arbitraries.of(PATH_SEGMENTS).list().ofMaxSize(6).map(NormalizedPath::new);
	}

	/** Templates over few segments, so that they overlap; the first variable is {@code orgId}, the tenant. */
	private static Arbitrary<String> templates() {
		Arbitrary<String> segment = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(LITERALS)),
				Tuple.of(3, Arbitraries.just("{}")), Tuple.of(1, Arbitraries.just("*")));
		return Combinators.combine(segment.list().ofMaxSize(5), Arbitraries.of(true, false))
			.as((segments, rest) -> {
				StringBuilder source = new StringBuilder();
				boolean tenant = false;
				for (int i = 0; i < segments.size(); i++) {
					String part = segments.get(i);
					if (part.equals("{}")) {
						part = tenant ? "{v" + i + "}" : "{orgId}";
						tenant = true;
					}
					source.append('/').append(part);
				}
				if (rest) {
					source.append("/**");
				}
				return source.isEmpty() ? "/" : source.toString();
			});
	}

	private static RoutesFile routesFile(List<String> templates) {
		StringBuilder yaml = new StringBuilder("routes:\n");
		for (int i = 0; i < templates.size(); i++) {
			yaml.append("  - id: r").append(i).append('\n')
				.append("    uri: http://127.0.0.1:").append(9000 + i).append('\n')
				.append("    path: ").append(templates.get(i)).append('\n')
				.append("    rules:\n")
				.append("      GET: { authenticated: true }\n");
		}
		return RoutesFileLoader.parse(yaml.toString(), "routes.yml");
	}

	/** The reference: Spring Cloud Gateway's look-up, each route's predicate in the locator's order. */
	private static @Nullable Route scan(PolicyRouteLocator locator, NormalizedPath path) {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path.encoded()));
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, path);
		List<Route> routes = new ArrayList<>(locator.getRoutes().collectList().block());
		for (Route route : routes) {
			if (Boolean.TRUE.equals(Mono.from(route.getPredicate().apply(exchange)).block())) {
				return route;
			}
		}
		return null;
	}

}
