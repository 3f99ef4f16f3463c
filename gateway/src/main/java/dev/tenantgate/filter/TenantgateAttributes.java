package dev.tenantgate.filter;

/**
 * Exchange attribute and route metadata keys, qualified the way Spring Cloud Gateway qualifies its own.
 */
public final class TenantgateAttributes {

	/** The {@link dev.tenantgate.path.NormalizedPath} of the request, set by {@link RequestFirewallWebFilter}. */
	public static final String NORMALIZED_PATH_ATTR = qualify("normalizedPath");

	/**
	 * The {@link dev.tenantgate.policy.RouteMatch} of the request's route, path variables included, set with Spring
	 * Cloud Gateway's route attribute by {@link PolicyRouteHandlerMapping}.
	 */
	public static final String ROUTE_MATCH_ATTR = qualify("routeMatch");

	/**
	 * The request as the server received it, before any filter changed it, set by {@link RequestFirewallWebFilter}:
	 * its headers can then be read in the server's own store ({@link IdentityHeadersFilter}).
	 */
	public static final String RECEIVED_REQUEST_ATTR = qualify("receivedRequest");

	/** The {@link dev.tenantgate.token.VerifiedToken} of the request, once verified. */
	public static final String TOKEN_ATTR = qualify("token");

	/** The authorized {@link dev.tenantgate.policy.Identity}, set before the request is proxied. */
	public static final String IDENTITY_ATTR = qualify("identity");

	/**
	 * Set ({@code Boolean.TRUE}) when the client's {@code Authorization} and {@code Cookie} headers are not to reach
	 * the service ({@link dev.tenantgate.policy.RoutePolicy#forwardsCredentials}); absent, they do.
	 */
	public static final String CREDENTIALS_WITHHELD_ATTR = qualify("credentialsWithheld");

	/** Route metadata key holding the route's {@link dev.tenantgate.policy.RoutePolicy}. */
	public static final String POLICY_METADATA = qualify("policy");

	private TenantgateAttributes() {
	}

	private static String qualify(String name) {
		return TenantgateAttributes.class.getName() + "." + name;
	}

}
