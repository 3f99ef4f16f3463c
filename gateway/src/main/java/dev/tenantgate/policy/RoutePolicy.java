package dev.tenantgate.policy;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import dev.tenantgate.path.PathTemplate;
import org.jspecify.annotations.Nullable;

/**
 * One route of {@code routes.yml}: where it goes, which paths it takes, whose tenant it is, and who may call it.
 *
 * @param id the route id, also the Spring Cloud Gateway route id
 * @param uri the downstream service
 * @param path the compiled path template
 * @param tenantVariable the path variable holding the organization id, or {@code null} for a route that is not
 * tenant-scoped
 * @param crossTenantRoles platform roles that may use this route for any tenant (empty unless the route says
 * {@code cross-tenant: true})
 * @param hierarchy the member role hierarchy for minimum-role rules
 * @param rules the rule per HTTP method name; {@code *} is the fallback for methods not listed
 * @param shadow whether refusals are only logged, not enforced (for a safe roll-out of new rules)
 * @param line the line of the route in {@code routes.yml}, for messages
 */
public record RoutePolicy(String id, URI uri, PathTemplate path, @Nullable String tenantVariable, Set<String> crossTenantRoles,
		RoleHierarchy hierarchy, Map<String, MethodRule> rules, boolean shadow, int line) {

	/** The method wildcard key. */
	public static final String ANY_METHOD = "*";

	public RoutePolicy {
		crossTenantRoles = Set.copyOf(crossTenantRoles);
		rules = Map.copyOf(rules);
	}

	/**
	 * The id's hash: equal policies have equal ids, so this agrees with the record's {@code equals}. The policy sits in
	 * its route's metadata, and Spring Cloud Gateway hashes the route on every request (its filter cache is keyed by
	 * the route); the record's own hash would walk every rule each time.
	 */
	@Override
	public int hashCode() {
		return this.id.hashCode();
	}

	/** The rule for {@code method}, the wildcard rule, or {@code null} when the method is not allowed. */
	public @Nullable MethodRule ruleFor(String method) {
		MethodRule rule = this.rules.get(method);
		return (rule != null) ? rule : this.rules.get(ANY_METHOD);
	}

}
