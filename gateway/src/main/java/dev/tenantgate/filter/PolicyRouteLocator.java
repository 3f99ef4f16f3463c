package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.path.PathTemplate;
import dev.tenantgate.path.PathTemplateIndex;
import dev.tenantgate.policy.RouteMatch;
import dev.tenantgate.policy.RoutePolicy;
import dev.tenantgate.policy.RoutesFile;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/**
 * Turns the routes of {@code routes.yml} into Spring Cloud Gateway routes, in file order (the first match wins).
 * Each route matches on the normalized path only and carries its {@link RoutePolicy} in its metadata, where
 * {@link TenantAuthorizationFilter} finds it.
 * <p>
 * The routes come with a {@link PathTemplateIndex} over their paths, built with them and replaced with them in one
 * step, so that {@link PolicyRouteHandlerMapping} finds the first matching route with one look-up whatever the
 * number of routes, and never with an index of other routes than the ones it hands out. The routes keep their path
 * predicates for Spring Cloud Gateway's own look-up, which runs when the index is switched off or other routes are
 * in use.
 */
public final class PolicyRouteLocator implements RouteLocator {

	private final AtomicReference<RouteTable> table = new AtomicReference<>();

	public PolicyRouteLocator(RoutesFile routesFile) {
		update(routesFile);
	}

	/**
	 * Replaces the routes. Spring Cloud Gateway picks them up on its next {@code RefreshRoutesEvent}.
	 */
	public void update(RoutesFile routesFile) {
		List<Route> built = new ArrayList<>();
		List<PathTemplate> paths = new ArrayList<>();
		int order = 0;
		for (RoutePolicy policy : routesFile.routes()) {
			paths.add(policy.path());
			built.add(Route.async()
				.id(policy.id())
				.uri(policy.uri())
				.order(order++)
				.metadata(Map.of(TenantgateAttributes.POLICY_METADATA, policy))
				.predicate((exchange) -> matches(exchange, policy))
				.build());
		}
		this.table.set(new RouteTable(List.copyOf(built), routesFile.routes(), PathTemplateIndex.of(paths)));
	}

	@Override
	public Flux<Route> getRoutes() {
		return Flux.fromIterable(this.table.get().routes());
	}

	/**
	 * The first route, in file order, whose path matches {@code path}, with the path variables: the same route as
	 * the routes' predicates evaluated in order would pick.
	 * @return the route and its match, or {@code null} when no route matches
	 */
	public @Nullable IndexedRoute lookup(NormalizedPath path) {
		RouteTable current = this.table.get();
		int index = current.index().firstMatch(path);
		if (index < 0) {
			return null;
		}
		RoutePolicy policy = current.policies().get(index);
		// The index found that this template matches; matching it reads the variables, and nothing else matches again.
		Map<String, String> variables = policy.path().match(path);
		return new IndexedRoute(current.routes().get(index),
				new RouteMatch(policy, (variables != null) ? variables : Map.of()));
	}

	/**
	 * A route found by {@link #lookup}.
	 *
	 * @param route the Spring Cloud Gateway route
	 * @param match its policy, with the path variables
	 */
	public record IndexedRoute(Route route, RouteMatch match) {
	}

	/** The routes in force: the Spring Cloud Gateway routes, their policies and the index, position for position. */
	private record RouteTable(List<Route> routes, List<RoutePolicy> policies, PathTemplateIndex index) {
	}

	private static boolean matches(ServerWebExchange exchange, RoutePolicy policy) {
		NormalizedPath path = exchange.getAttribute(TenantgateAttributes.NORMALIZED_PATH_ATTR);
		return path != null && policy.path().match(path) != null;
	}

}
