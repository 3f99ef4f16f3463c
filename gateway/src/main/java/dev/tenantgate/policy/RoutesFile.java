package dev.tenantgate.policy;

import java.util.List;

/**
 * The parsed {@code routes.yml}: routes in declaration order, the first match wins.
 *
 * @param routes the routes
 */
public record RoutesFile(List<RoutePolicy> routes) {

	public RoutesFile {
		routes = List.copyOf(routes);
	}

}
