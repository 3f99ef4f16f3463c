package dev.tenantgate.filter;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutePolicy;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's {@link RoutePredicateHandlerMapping} with one part replaced: {@link #lookupRoute}, which
 * there evaluates every route's predicate in turn through Reactor operators (each of ours matching its path template
 * again) until one matches, so that a request pays for every route before its own. Here the route is found with one
 * look-up in the {@link PolicyRouteLocator}'s index, whatever the number of routes, and its {@link
 * dev.tenantgate.policy.RouteMatch} (path variables included) is left in {@link TenantgateAttributes#ROUTE_MATCH_ATTR}
 * for {@link TenantAuthorizationFilter}, which then does not match again.
 * <p>
 * Everything else stays the framework's: the management port check, the handler mapping's order and CORS settings,
 * {@code GATEWAY_ROUTE_ATTR} (which the route's filters and the request metrics' route tags read), and
 * {@link #validateRoute}. The answer is the same route the framework's look-up would give: the first route of
 * {@code routes.yml} that matches, as the routes are ordered in file order and match on the path only. That holds
 * while every route Spring Cloud Gateway knows comes from {@code routes.yml}; when it knows others (routes in
 * {@code spring.cloud.gateway.server.webflux.routes}, or added through its actuator endpoint), or before its
 * routes were first loaded, the framework's own look-up runs instead. Put in place of the framework's by
 * {@code RouteLookupTakeover}, switched by {@code tenantgate.indexed-route-lookup}.
 */
public final class PolicyRouteHandlerMapping extends RoutePredicateHandlerMapping
		implements ApplicationListener<RefreshRoutesResultEvent> {

	private final RouteLocator routeLocator;

	private final PolicyRouteLocator policyRoutes;

	/** Whether the routes Spring Cloud Gateway uses are all from {@code routes.yml}; false until they are known. */
	private volatile boolean onlyPolicyRoutes;

	/**
	 * @param routeLocator the routes Spring Cloud Gateway uses (its caching composite of every route locator)
	 * @param policyRoutes the routes of {@code routes.yml}, with their index
	 */
	public PolicyRouteHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
			GlobalCorsProperties globalCorsProperties, Environment environment, PolicyRouteLocator policyRoutes) {
		super(webHandler, routeLocator, globalCorsProperties, environment);
		this.routeLocator = routeLocator;
		this.policyRoutes = policyRoutes;
	}

	@Override
	protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
		if (!this.onlyPolicyRoutes) {
			return super.lookupRoute(exchange);
		}
		NormalizedPath path = exchange.getAttribute(TenantgateAttributes.NORMALIZED_PATH_ATTR);
		PolicyRouteLocator.IndexedRoute found = (path != null) ? this.policyRoutes.lookup(path) : null;
		if (found == null) {
			return Mono.empty();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Route matched: " + found.route().getId());
		}
		validateRoute(found.route(), exchange);
		exchange.getAttributes().put(TenantgateAttributes.ROUTE_MATCH_ATTR, found.match());
		return Mono.just(found.route());
	}

	/**
	 * Checks, after each refresh of Spring Cloud Gateway's routes, whether they all still come from
	 * {@code routes.yml}.
	 */
	@Override
	public synchronized void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess()) {
			this.routeLocator.getRoutes()
				.all((route) -> route.getMetadata().get(TenantgateAttributes.POLICY_METADATA) instanceof RoutePolicy)
				.subscribe((only) -> this.onlyPolicyRoutes = only);
		}
	}

	/** Whether routes are looked up in the index (rather than by the framework's scan), for tests and diagnostics. */
	public boolean isIndexed() {
		return this.onlyPolicyRoutes;
	}

}
