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
 * @param rules the rule per HTTP method name; {@code *} is the fallback for the standard methods not listed
 * ({@link RequestMethods#STANDARD})
 * @param shadow whether refusals are only logged, not enforced (for a safe roll-out of new rules)
 * @param line the line of the route in {@code routes.yml}, for messages
 * @param credentials whether the client's {@code Authorization} and {@code Cookie} headers go to the service
 */
public record RoutePolicy(String id, URI uri, PathTemplate path, @Nullable String tenantVariable, Set<String> crossTenantRoles,
		RoleHierarchy hierarchy, Map<String, MethodRule> rules, boolean shadow, int line,
		CredentialForwarding credentials) {

	/** A route whose credentials are forwarded by rule ({@link CredentialForwarding#UNLESS_PUBLIC}). */
	public RoutePolicy(String id, URI uri, PathTemplate path, @Nullable String tenantVariable,
			Set<String> crossTenantRoles, RoleHierarchy hierarchy, Map<String, MethodRule> rules, boolean shadow,
			int line) {
		this(id, uri, path, tenantVariable, crossTenantRoles, hierarchy, rules, shadow, line,
				CredentialForwarding.UNLESS_PUBLIC);
	}

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

	/**
	 * The rule for {@code method}, else the wildcard rule when {@code method} is a standard one
	 * ({@link RequestMethods#STANDARD}), else {@code null}: the method is not allowed.
	 */
	public @Nullable MethodRule ruleFor(String method) {
		MethodRule rule = this.rules.get(method);
		if (rule != null || !RequestMethods.STANDARD.contains(method)) {
			return rule;
		}
		return this.rules.get(ANY_METHOD);
	}

	/** Whether a request allowed by {@code rule} goes to the service with the client's credentials. */
	public boolean forwardsCredentials(MethodRule rule) {
		return switch (this.credentials) {
			case ALWAYS -> true;
			case NEVER -> false;
			case UNLESS_PUBLIC -> rule.access() != MethodRule.Access.PUBLIC;
		};
	}

	/**
	 * Whether the client's {@code Authorization} and {@code Cookie} headers go to the service
	 * ({@code forward-credentials} in {@code routes.yml}).
	 */
	public enum CredentialForwarding {

		/** The default: for every rule but {@code public: true}, whose service needs no credentials. */
		UNLESS_PUBLIC,

		/** {@code forward-credentials: true}: on every rule, public ones too. */
		ALWAYS,

		/** {@code forward-credentials: false}: never. */
		NEVER

	}

}
