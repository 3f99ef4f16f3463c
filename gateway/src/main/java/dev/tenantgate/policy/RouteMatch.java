package dev.tenantgate.policy;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A request matched to a route, with the path variables.
 *
 * @param route the route
 * @param variables the path variables, e.g. {@code orgId}
 */
public record RouteMatch(RoutePolicy route, Map<String, String> variables) {

	/** The tenant (organization id) of the request, or {@code null} on a route that is not tenant-scoped. */
	public @Nullable String tenant() {
		String variable = this.route.tenantVariable();
		return (variable != null) ? this.variables.get(variable) : null;
	}

}
