package dev.tenantgate.policy;

import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tenantgate.path.PathTemplate;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code routes.yml} into a {@link RoutesFile}, refusing anything it does not understand: an unknown key could
 * be a typo that silently loosens a rule, so it is an error with its line number, never ignored.
 *
 * <pre>
 * hierarchy: [owner, admin, staff, viewer]   # optional, the default
 * cross-tenant-roles: [admin, superadmin]    # optional, the default
 * routes:
 *   - id: orders
 *     uri: http://orders:8080
 *     path: /api/orgs/{orgId}/orders/**
 *     tenant: orgId                         # optional: orgId is used when the path has it
 *     cross-tenant: true                    # optional: platform admins may call it for any tenant
 *     shadow: true                          # optional: log refusals without enforcing them
 *     forward-credentials: false            # optional: Authorization and Cookie to the service (default: unless public)
 *     rules:
 *       GET: { min-role: viewer }
 *       POST: { roles: [owner, admin, staff] }
 *       DELETE: { min-role: admin, platform-roles: [superadmin] }
 *   - id: status
 *     uri: http://status:8080
 *     path: /api/status
 *     rules:
 *       GET: { public: true }
 * </pre>
 */
public final class RoutesFileLoader {

	private static final Set<String> TOP_KEYS = Set.of("hierarchy", "cross-tenant-roles", "routes");

	private static final Set<String> ROUTE_KEYS = Set.of("id", "uri", "path", "tenant", "cross-tenant", "hierarchy",
			"rules", "shadow", "forward-credentials");

	private static final Set<String> RULE_KEYS = Set.of("public", "authenticated", "roles", "min-role",
			"platform-roles");


	private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

	private static final String DEFAULT_TENANT_VARIABLE = "orgId";

	private final String source;

	private final RoutesYamlNodes nodes;

	private RoutesFileLoader(String source) {
		this.source = source;
		this.nodes = new RoutesYamlNodes(source);
	}

	/**
	 * Parses {@code content}.
	 * @param source the file name used in error messages
	 * @throws RoutesFileException naming the line and the reason
	 */
	public static RoutesFile parse(String content, String source) {
		return new RoutesFileLoader(source).load(new StringReader(content));
	}

	private RoutesFile load(Reader reader) {
		Node root;
		try {
			LoaderOptions options = new LoaderOptions();
			options.setAllowDuplicateKeys(false);
			options.setMaxAliasesForCollections(10);
			root = new Yaml(options).compose(reader);
		}
		catch (MarkedYAMLException ex) {
			int line = (ex.getProblemMark() != null) ? ex.getProblemMark().getLine() + 1 : 1;
			throw new RoutesFileException(this.source, line, "not valid YAML: " + ex.getProblem());
		}
		catch (RuntimeException ex) {
			throw new RoutesFileException(this.source, 1, "not valid YAML: " + ex.getMessage());
		}
		if (root == null) {
			throw new RoutesFileException(this.source, 1, "the file is empty: at least one route is required");
		}
		Map<String, Node> top = this.nodes.mapping(root, "the top level", TOP_KEYS);
		List<String> hierarchyRoles = roles(top.get("hierarchy"), RoleHierarchy.DEFAULT);
		RoleHierarchy hierarchy = hierarchy(top.get("hierarchy"), hierarchyRoles);
		Set<String> crossTenantRoles = new LinkedHashSet<>(roles(top.get("cross-tenant-roles"), List.of("admin", "superadmin")));
		Node routesNode = top.get("routes");
		if (!(routesNode instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
			throw this.nodes.error(routesNode != null ? routesNode : root, "'routes' must be a non-empty list of routes");
		}
		List<RoutePolicy> routes = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		for (Node routeNode : sequence.getValue()) {
			RoutePolicy route = route(routeNode, hierarchy, crossTenantRoles);
			if (!ids.add(route.id())) {
				throw this.nodes.error(routeNode, "route id '" + route.id() + "' is used twice");
			}
			routes.add(route);
		}
		return new RoutesFile(routes);
	}

	private RoutePolicy route(Node node, RoleHierarchy defaultHierarchy, Set<String> crossTenantRoles) {
		Map<String, Node> fields = this.nodes.mapping(node, "a route", ROUTE_KEYS);
		String id = this.nodes.requiredScalar(fields, "id", node);
		if (!ID.matcher(id).matches()) {
			throw this.nodes.error(fields.get("id"), "route id '" + id + "' must match " + ID.pattern());
		}
		String where = "route '" + id + "': ";
		URI uri = uri(fields.get("uri"), this.nodes.requiredScalar(fields, "uri", node), where);
		PathTemplate path;
		try {
			path = PathTemplate.compile(this.nodes.requiredScalar(fields, "path", node));
		}
		catch (IllegalArgumentException ex) {
			throw this.nodes.error(fields.get("path"), where + ex.getMessage());
		}
		String tenant = tenantVariable(fields, path, where);
		boolean crossTenant = this.nodes.bool(fields.get("cross-tenant"), where + "cross-tenant");
		if (crossTenant && tenant == null) {
			throw this.nodes.error(fields.get("cross-tenant"), where + "cross-tenant needs a tenant variable in the path");
		}
		RoleHierarchy hierarchy = fields.containsKey("hierarchy")
				? hierarchy(fields.get("hierarchy"), roles(fields.get("hierarchy"), List.of())) : defaultHierarchy;
		Node rulesNode = fields.get("rules");
		if (rulesNode == null) {
			throw this.nodes.error(node, where + "'rules' is required: nothing is open by default");
		}
		Map<String, Node> ruleNodes = this.nodes.mapping(rulesNode, where + "rules", RoutesFileLoader::isMethodKey,
				"'*' or an upper-case method name other than CONNECT, e.g. GET, DELETE, PROPFIND");
		if (ruleNodes.isEmpty()) {
			throw this.nodes.error(rulesNode, where + "'rules' must name at least one method");
		}
		Map<String, MethodRule> rules = new LinkedHashMap<>();
		for (Map.Entry<String, Node> entry : ruleNodes.entrySet()) {
			rules.put(entry.getKey(), rule(entry.getValue(), tenant != null, hierarchy, where + entry.getKey() + ": "));
		}
		boolean shadow = this.nodes.bool(fields.get("shadow"), where + "shadow");
		RoutePolicy.CredentialForwarding credentials = RoutePolicy.CredentialForwarding.UNLESS_PUBLIC;
		if (fields.containsKey("forward-credentials")) {
			credentials = this.nodes.bool(fields.get("forward-credentials"), where + "forward-credentials")
					? RoutePolicy.CredentialForwarding.ALWAYS : RoutePolicy.CredentialForwarding.NEVER;
		}
		return new RoutePolicy(id, uri, path, tenant, crossTenant ? crossTenantRoles : Set.of(), hierarchy, rules,
				shadow, RoutesYamlNodes.line(node), credentials);
	}

	private MethodRule rule(Node node, boolean tenantRoute, RoleHierarchy hierarchy, String where) {
		Map<String, Node> fields = this.nodes.mapping(node, where.strip(), RULE_KEYS);
		boolean isPublic = this.nodes.bool(fields.get("public"), where + "public");
		boolean authenticated = this.nodes.bool(fields.get("authenticated"), where + "authenticated");
		Set<String> roles = new LinkedHashSet<>(roles(fields.get("roles"), List.of()));
		Set<String> platformRoles = new LinkedHashSet<>(roles(fields.get("platform-roles"), List.of()));
		String minimum = this.nodes.optionalScalar(fields.get("min-role"), where + "min-role");
		boolean hasRoles = !roles.isEmpty() || minimum != null || !platformRoles.isEmpty();
		if ((isPublic ? 1 : 0) + (authenticated ? 1 : 0) + (hasRoles ? 1 : 0) != 1) {
			throw this.nodes.error(node, where + "give exactly one of 'public: true', 'authenticated: true', or roles "
					+ "('roles' or 'min-role', and/or 'platform-roles')");
		}
		if (fields.containsKey("roles") && roles.isEmpty()) {
			throw this.nodes.error(fields.get("roles"), where + "'roles' must not be empty");
		}
		if (fields.containsKey("platform-roles") && platformRoles.isEmpty()) {
			throw this.nodes.error(fields.get("platform-roles"), where + "'platform-roles' must not be empty");
		}
		if (!roles.isEmpty() && minimum != null) {
			throw this.nodes.error(node, where + "give 'roles' or 'min-role', not both");
		}
		if (minimum != null && !hierarchy.contains(minimum)) {
			throw this.nodes.error(fields.get("min-role"), where + "min-role '" + minimum + "' is not in the hierarchy " + hierarchy);
		}
		if (!tenantRoute && (!roles.isEmpty() || minimum != null)) {
			throw this.nodes.error(node, where + "member roles need a tenant variable in the path; use 'platform-roles' or "
					+ "'authenticated: true' on routes that are not tenant-scoped");
		}
		if (isPublic) {
			return new MethodRule(MethodRule.Access.PUBLIC, Set.of(), null, Set.of());
		}
		if (authenticated) {
			MethodRule.Access access = tenantRoute ? MethodRule.Access.MEMBER : MethodRule.Access.AUTHENTICATED;
			return new MethodRule(access, Set.of(), null, Set.of());
		}
		return new MethodRule(MethodRule.Access.ROLES, roles, minimum, platformRoles);
	}

	private @Nullable String tenantVariable(Map<String, Node> fields, PathTemplate path, String where) {
		Node tenantNode = fields.get("tenant");
		if (tenantNode == null) {
			return path.variableNames().contains(DEFAULT_TENANT_VARIABLE) ? DEFAULT_TENANT_VARIABLE : null;
		}
		String tenant = this.nodes.optionalScalar(tenantNode, where + "tenant");
		if (tenant == null || !path.variableNames().contains(tenant)) {
			throw this.nodes.error(tenantNode, where + "tenant '" + tenant + "' is not a variable of path " + path);
		}
		return tenant;
	}

	private URI uri(Node node, String value, String where) {
		try {
			URI uri = new URI(value);
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw this.nodes.error(node, where + "uri must be an absolute http or https URI, but was '" + value + "'");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw this.nodes.error(node, where + "uri is not a valid URI: '" + value + "'");
		}
	}

	private RoleHierarchy hierarchy(@Nullable Node node, List<String> roles) {
		try {
			return new RoleHierarchy(roles);
		}
		catch (IllegalArgumentException ex) {
			throw this.nodes.error(node, "hierarchy: " + ex.getMessage());
		}
	}

	private List<String> roles(@Nullable Node node, List<String> fallback) {
		if (node == null) {
			return fallback;
		}
		if (!(node instanceof SequenceNode sequence)) {
			throw this.nodes.error(node, "expected a list of roles, e.g. [owner, admin]");
		}
		List<String> roles = new ArrayList<>();
		for (Node item : sequence.getValue()) {
			String role = (item instanceof ScalarNode scalar) ? scalar.getValue() : null;
			if (role == null || !ROLE.matcher(role).matches()) {
				throw this.nodes.error(item, "'" + role + "' is not a valid role name");
			}
			roles.add(role);
		}
		return roles;
	}

	/** A rule's key: the wildcard, or a method as {@link RequestMethods} accepts it, except CONNECT. */
	private static boolean isMethodKey(String key) {
		return key.equals(RoutePolicy.ANY_METHOD)
				|| (RequestMethods.isValid(key) && !key.equals(RequestMethods.CONNECT));
	}

}
