package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutePolicy;
import dev.tenantgate.policy.RoutesFile;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/**
 * Turns the routes of {@code routes.yml} into Spring Cloud Gateway routes, in file order (the first match wins).
 * Each route matches on the normalized path only and carries its {@link RoutePolicy} in its metadata, where
 * {@link TenantAuthorizationFilter} finds it.
 */
public final class PolicyRouteLocator implements RouteLocator {

	private final AtomicReference<List<Route>> routes = new AtomicReference<>();

	public PolicyRouteLocator(RoutesFile routesFile) {
		update(routesFile);
	}

	/**
	 * Replaces the routes. Spring Cloud Gateway picks them up on its next {@code RefreshRoutesEvent}.
	 */
	public void update(RoutesFile routesFile) {
		List<Route> built = new ArrayList<>();
		int order = 0;
		for (RoutePolicy policy : routesFile.routes()) {
			built.add(Route.async()
				.id(policy.id())
				.uri(policy.uri())
				.order(order++)
				.metadata(Map.of(TenantgateAttributes.POLICY_METADATA, policy))
				.predicate((exchange) -> matches(exchange, policy))
				.build());
		}
		this.routes.set(List.copyOf(built));
	}

	@Override
	public Flux<Route> getRoutes() {
		return Flux.fromIterable(this.routes.get());
	}

	private static boolean matches(ServerWebExchange exchange, RoutePolicy policy) {
		NormalizedPath path = exchange.getAttribute(TenantgateAttributes.NORMALIZED_PATH_ATTR);
		return path != null && policy.path().match(path) != null;
	}

}
