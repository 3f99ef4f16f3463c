package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RouteMatch;
import dev.tenantgate.policy.RoutesFileLoader;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.CachingRouteLocator;
import org.springframework.cloud.gateway.route.CompositeRouteLocator;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * {@link PolicyRouteHandlerMapping} wired to Spring Cloud Gateway's route cache as the application wires it: the
 * index answers while every route is from {@code routes.yml}, the framework's look-up otherwise. // issue-27
 */
class PolicyRouteHandlerMappingTests {

	private static final String ROUTES = """
			routes:
			  - id: svc1
			    uri: http://127.0.0.1:9001
			    path: /api/orgs/{orgId}/svc1/**
			    rules:
			      GET: { min-role: viewer }
			  - id: orders
			    uri: http://127.0.0.1:9002
			    path: /api/orgs/{orgId}/orders/**
			    rules:
			      GET: { min-role: viewer }
			""";

	private final PolicyRouteLocator policyRoutes = new PolicyRouteLocator(RoutesFileLoader.parse(ROUTES, "routes.yml"));

	@Test
	void getHandlerWhenOnlyPolicyRoutesThenIndexSetsRouteAndMatch() {
		PolicyRouteHandlerMapping mapping = mapping(List.of(this.policyRoutes), true);
		MockServerWebExchange exchange = exchange("api", "orgs", "acme", "orders", "7");

		assertThat(mapping.isIndexed()).isTrue();
		assertThat(mapping.getHandler(exchange).block()).isInstanceOf(FilteringWebHandler.class);
		Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
		RouteMatch match = exchange.getAttribute(TenantgateAttributes.ROUTE_MATCH_ATTR);
		assertThat(route.getId()).isEqualTo("orders");
		assertThat(match.route()).isSameAs(route.getMetadata().get(TenantgateAttributes.POLICY_METADATA));
		assertThat(match.variables()).isEqualTo(Map.of("orgId", "acme"));
		assertThat(match.tenant()).isEqualTo("acme");
	}

	@Test
	void getHandlerWhenNoRouteMatchesThenNoHandler() {
		PolicyRouteHandlerMapping mapping = mapping(List.of(this.policyRoutes), true);
		MockServerWebExchange exchange = exchange("api", "orgs", "acme", "svc2");

		assertThat(mapping.getHandler(exchange).block()).isNull();
		assertThat((Object) exchange.getAttribute(GATEWAY_ROUTE_ATTR)).isNull();
		assertThat((Object) exchange.getAttribute(TenantgateAttributes.ROUTE_MATCH_ATTR)).isNull();
	}

	@Test
	void getHandlerWhenAnotherRouteComesFirstThenFrameworkLookupPicksIt() {
		Route other = Route.async().id("other").uri("http://127.0.0.1:9003").order(-1)
			.predicate((exchange) -> true).build();
		RouteLocator others = () -> Flux.just(other);
		PolicyRouteHandlerMapping mapping = mapping(List.of(this.policyRoutes, others), true);
		MockServerWebExchange exchange = exchange("api", "orgs", "acme", "orders", "7");

		assertThat(mapping.isIndexed()).isFalse();
		mapping.getHandler(exchange).block();
		assertThat(((Route) exchange.getAttribute(GATEWAY_ROUTE_ATTR)).getId()).isEqualTo("other");
		assertThat((Object) exchange.getAttribute(TenantgateAttributes.ROUTE_MATCH_ATTR)).isNull();
	}

	@Test
	void getHandlerBeforeTheRoutesAreFirstLoadedThenFrameworkLookup() {
		PolicyRouteHandlerMapping mapping = mapping(List.of(this.policyRoutes), false);
		MockServerWebExchange exchange = exchange("api", "orgs", "acme", "orders");

		assertThat(mapping.isIndexed()).isFalse();
		mapping.getHandler(exchange).block();
		assertThat(((Route) exchange.getAttribute(GATEWAY_ROUTE_ATTR)).getId()).isEqualTo("orders");
	}

	@Test
	void getHandlerAfterReloadThenNewRoutesWithoutWaitingForTheFrameworkRefresh() {
		PolicyRouteHandlerMapping mapping = mapping(List.of(this.policyRoutes), true);
		this.policyRoutes.update(RoutesFileLoader.parse(ROUTES.replace("/orders/**", "/orders"), "routes.yml"));
		MockServerWebExchange exchange = exchange("api", "orgs", "acme", "orders", "7");

		assertThat(mapping.getHandler(exchange).block()).isNull();
	}

	/** The handler mapping on a route cache over {@code locators}, refreshed once when {@code refreshed}. */
	private static PolicyRouteHandlerMapping mapping(List<RouteLocator> locators, boolean refreshed) {
		List<PolicyRouteHandlerMapping> mapping = new ArrayList<>(1);
		CachingRouteLocator cache = new CachingRouteLocator(new CompositeRouteLocator(Flux.fromIterable(locators)));
		cache.setApplicationEventPublisher((event) -> {
			if (event instanceof RefreshRoutesResultEvent result) {
				mapping.get(0).onApplicationEvent(result);
			}
		});
		PolicyRouteLocator policyRoutes = (PolicyRouteLocator) locators.get(0);
		mapping.add(new PolicyRouteHandlerMapping(new FilteringWebHandler(List.of(), true), cache,
				new GlobalCorsProperties(), new MockEnvironment(), policyRoutes));
		if (refreshed) {
			cache.onApplicationEvent(new RefreshRoutesEvent(mapping));
		}
		return mapping.get(0);
	}

	private static MockServerWebExchange exchange(String... segments) {
		NormalizedPath path = new NormalizedPath(List.of(segments));
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path.encoded()));
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, path);
		return exchange;
	}

}
