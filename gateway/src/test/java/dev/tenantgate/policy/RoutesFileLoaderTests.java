package dev.tenantgate.policy;

import java.net.URI;
import java.util.Set;

import dev.tenantgate.policy.MethodRule.Access;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RoutesFileLoaderTests {

	private static final String FULL = """
			hierarchy: [owner, admin, staff, viewer, guest]
			cross-tenant-roles: [superadmin]
			routes:
			  - id: orders
			    uri: http://orders:8080
			    path: /api/orgs/{orgId}/orders/**
			    cross-tenant: true
			    rules:
			      GET: { min-role: guest }
			      POST: { roles: [owner, admin, staff] }
			      DELETE: { min-role: admin, platform-roles: [support] }
			      "*": { min-role: owner }
			  - id: projects
			    uri: https://projects.internal
			    path: /api/teams/{team}/projects/{projectId}
			    tenant: team
			    rules:
			      GET: { authenticated: true }
			  - id: profile
			    uri: http://profile:8080
			    path: /api/me
			    rules:
			      GET: { authenticated: true }
			      PUT: { platform-roles: [admin] }
			  - id: status
			    uri: http://status:8080
			    path: /api/status
			    rules:
			      GET: { public: true }
			""";

	@Test
	void parseWhenFullFileThenRoutesInOrder() {
		RoutesFile file = RoutesFileLoader.parse(FULL, "routes.yml");
		assertThat(file.routes()).extracting(RoutePolicy::id).containsExactly("orders", "projects", "profile", "status");
		assertThat(file.routes()).extracting(RoutePolicy::line).containsExactly(4, 13, 19, 25);
	}

	@Test
	void parseWhenTenantRouteThenHierarchyCrossTenantAndRoleRules() {
		RoutePolicy orders = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(0);
		assertThat(orders.uri()).isEqualTo(URI.create("http://orders:8080"));
		assertThat(orders.path()).hasToString("/api/orgs/{orgId}/orders/**");
		assertThat(orders.tenantVariable()).isEqualTo("orgId");
		assertThat(orders.crossTenantRoles()).containsExactly("superadmin");
		assertThat(orders.hierarchy().roles()).containsExactly("owner", "admin", "staff", "viewer", "guest");
		assertThat(orders.ruleFor("GET")).isEqualTo(new MethodRule(Access.ROLES, Set.of(), "guest", Set.of()));
		assertThat(orders.ruleFor("POST"))
			.isEqualTo(new MethodRule(Access.ROLES, Set.of("owner", "admin", "staff"), null, Set.of()));
		assertThat(orders.ruleFor("DELETE"))
			.isEqualTo(new MethodRule(Access.ROLES, Set.of(), "admin", Set.of("support")));
	}

	@Test
	void routePolicyHashIsItsIdsAndAgreesWithEquals() {
		RoutePolicy orders = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(0);
		RoutePolicy copy = new RoutePolicy(orders.id(), orders.uri(), orders.path(), orders.tenantVariable(),
				orders.crossTenantRoles(), orders.hierarchy(), orders.rules(), orders.shadow(), orders.line());
		RoutePolicy shadowed = new RoutePolicy(orders.id(), orders.uri(), orders.path(), orders.tenantVariable(),
				orders.crossTenantRoles(), orders.hierarchy(), orders.rules(), true, orders.line());
		assertThat(copy).isEqualTo(orders).hasSameHashCodeAs(orders);
		assertThat(orders.hashCode()).isEqualTo("orders".hashCode());
		assertThat(shadowed).isNotEqualTo(orders);
	}

	@Test
	void parseWhenWildcardRuleThenUsedForUnlistedMethods() {
		RoutePolicy orders = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(0);
		assertThat(orders.ruleFor("PATCH")).isSameAs(orders.rules().get("*"));
		assertThat(orders.ruleFor("PATCH").minimumRole()).isEqualTo("owner");
	}

	@Test
	void parseWhenNoWildcardRuleThenUnlistedMethodHasNoRule() {
		RoutePolicy status = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(3);
		assertThat(status.ruleFor("POST")).isNull();
	}

	@Test
	void parseWhenExplicitTenantVariableThenUsedAndNotCrossTenant() {
		RoutePolicy projects = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(1);
		assertThat(projects.tenantVariable()).isEqualTo("team");
		assertThat(projects.crossTenantRoles()).isEmpty();
	}

	@Test
	void parseWhenAuthenticatedOnTenantRouteThenMember() {
		RoutePolicy projects = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(1);
		assertThat(projects.ruleFor("GET").access()).isEqualTo(Access.MEMBER);
		assertThat(projects.ruleFor("GET").usesMemberRoles()).isTrue();
	}

	@Test
	void parseWhenAuthenticatedOnNonTenantRouteThenAuthenticated() {
		RoutePolicy profile = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(2);
		assertThat(profile.tenantVariable()).isNull();
		assertThat(profile.ruleFor("GET").access()).isEqualTo(Access.AUTHENTICATED);
		assertThat(profile.ruleFor("GET").usesMemberRoles()).isFalse();
		assertThat(profile.ruleFor("PUT"))
			.isEqualTo(new MethodRule(Access.ROLES, Set.of(), null, Set.of("admin")));
	}

	@Test
	void parseWhenPublicRuleThenPublic() {
		RoutePolicy status = RoutesFileLoader.parse(FULL, "routes.yml").routes().get(3);
		assertThat(status.uri()).isEqualTo(URI.create("http://status:8080"));
		assertThat(status.ruleFor("GET").access()).isEqualTo(Access.PUBLIC);
	}

	@Test
	void parseWhenHierarchyAndCrossTenantRolesOmittedThenDefaults() {
		RoutePolicy route = RoutesFileLoader.parse("""
				routes:
				  - id: billing
				    uri: http://billing
				    path: /api/orgs/{orgId}/billing
				    cross-tenant: true
				    rules:
				      GET: { min-role: viewer }
				""", "routes.yml").routes().get(0);
		assertThat(route.hierarchy().roles()).containsExactly("owner", "admin", "staff", "viewer");
		assertThat(route.crossTenantRoles()).containsExactlyInAnyOrder("admin", "superadmin");
	}

	@Test
	void parseWhenRouteHierarchyThenOverridesTopLevel() {
		RoutePolicy route = RoutesFileLoader.parse("""
				routes:
				  - id: wiki
				    uri: http://wiki
				    path: /api/orgs/{orgId}/wiki
				    hierarchy: [editor, reader]
				    rules:
				      GET: { min-role: reader }
				""", "routes.yml").routes().get(0);
		assertThat(route.hierarchy().roles()).containsExactly("editor", "reader");
	}

	@Test
	void parseWhenUnknownRuleKeyThenErrorOnItsLine() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { min-role: viewer }
				      POST: { min_role: admin }
				""", 7, "unknown key 'min_role'");
	}

	@Test
	void parseWhenUnknownRouteKeyThenErrorOnItsLine() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rule:
				      GET: { min-role: viewer }
				""", 5, "unknown key 'rule'");
	}

	@Test
	void parseWhenUnknownTopLevelKeyThenErrorOnItsLine() {
		assertError("""
				hierarchy: [owner, viewer]
				route:
				  - id: orders
				""", 2, "unknown key 'route'");
	}

	@Test
	void parseWhenUnknownMethodThenErrorOnItsLine() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      get: { min-role: viewer }
				""", 6, "unknown key 'get'");
	}

	// issue-26
	@Test
	void parseWhenRuleNamesACustomUpperCaseMethodThenItHasItsOwnRule() {
		RoutePolicy route = RoutesFileLoader.parse("""
				routes:
				  - id: files
				    uri: http://files:8080
				    path: /api/orgs/{orgId}/files/**
				    rules:
				      PROPFIND: { min-role: viewer }
				      "*": { min-role: owner }
				""", "routes.yml").routes().get(0);
		assertThat(route.ruleFor("PROPFIND")).isEqualTo(route.rules().get("PROPFIND"));
		assertThat(route.ruleFor("DELETE")).isEqualTo(route.rules().get("*"));
		assertThat(route.ruleFor("MKCOL")).as("'*' covers the standard methods only").isNull();
		assertThat(route.ruleFor("TRACE")).isNull();
		assertThat(route.ruleFor("delete")).isNull();
	}

	// issue-26
	@Test
	void parseWhenRuleNamesConnectOrAMethodInLowerCaseThenErrorOnItsLine() {
		for (String method : java.util.List.of("CONNECT", "Delete", "PROP FIND", "\"\"")) {
			assertError("""
					routes:
					  - id: orders
					    uri: http://orders:8080
					    path: /api/orgs/{orgId}/orders
					    rules:
					      GET: { min-role: viewer }
					      %s: { min-role: admin }
					""".formatted(method), 7, "unknown key");
		}
	}

	// issue-26
	@Test
	void parseWhenForwardCredentialsThenTheRouteSaysWhetherTheServiceGetsThem() {
		RoutesFile file = RoutesFileLoader.parse("""
				routes:
				  - id: default
				    uri: http://a:8080
				    path: /a/**
				    rules:
				      GET: { public: true }
				      POST: { authenticated: true }
				  - id: always
				    uri: http://b:8080
				    path: /b/**
				    forward-credentials: true
				    rules:
				      GET: { public: true }
				  - id: never
				    uri: http://c:8080
				    path: /c/**
				    forward-credentials: false
				    rules:
				      GET: { authenticated: true }
				""", "routes.yml");
		RoutePolicy byRule = file.routes().get(0);
		assertThat(byRule.forwardsCredentials(byRule.rules().get("GET"))).isFalse();
		assertThat(byRule.forwardsCredentials(byRule.rules().get("POST"))).isTrue();
		RoutePolicy always = file.routes().get(1);
		assertThat(always.forwardsCredentials(always.rules().get("GET"))).isTrue();
		RoutePolicy never = file.routes().get(2);
		assertThat(never.forwardsCredentials(never.rules().get("GET"))).isFalse();
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orders
				    forward-credentials: yes-please
				    rules:
				      GET: { public: true }
				""", 5, "forward-credentials must be true or false");
	}

	@Test
	void parseWhenDuplicateRouteIdThenErrorOnSecondRoute() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { min-role: viewer }
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/invoices
				    rules:
				      GET: { min-role: viewer }
				""", 7, "route id 'orders' is used twice");
	}

	@Test
	void parseWhenRulesMissingThenErrorOnRoute() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				""", 2, "route 'orders': 'rules' is required");
	}

	@Test
	void parseWhenRulesEmptyThenErrorOnRules() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules: {}
				""", 5, "'rules' must name at least one method");
	}

	@Test
	void parseWhenRuleBothPublicAndRolesThenErrorOnRule() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { min-role: viewer }
				      POST: { public: true, roles: [admin] }
				""", 7, "route 'orders': POST: give exactly one of");
	}

	@Test
	void parseWhenRuleNamesNothingThenErrorOnRule() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { public: false }
				""", 6, "give exactly one of");
	}

	@Test
	void parseWhenRuleBothRolesAndMinRoleThenErrorOnRule() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET:
				        roles: [admin]
				        min-role: viewer
				""", 7, "give 'roles' or 'min-role', not both");
	}

	@Test
	void parseWhenMinRoleNotInHierarchyThenErrorOnMinRole() {
		assertError("""
				hierarchy: [owner, admin]
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET:
				        min-role: viewer
				""", 8, "min-role 'viewer' is not in the hierarchy owner > admin");
	}

	@Test
	void parseWhenMemberRolesOnRouteWithoutTenantThenErrorOnRule() {
		assertError("""
				routes:
				  - id: profile
				    uri: http://profile:8080
				    path: /api/me
				    rules:
				      GET: { min-role: viewer }
				""", 6, "member roles need a tenant variable in the path");
	}

	@Test
	void parseWhenCrossTenantWithoutTenantVariableThenErrorOnCrossTenant() {
		assertError("""
				routes:
				  - id: profile
				    uri: http://profile:8080
				    path: /api/me
				    cross-tenant: true
				    rules:
				      GET: { authenticated: true }
				""", 5, "cross-tenant needs a tenant variable");
	}

	@Test
	void parseWhenUriNotHttpThenErrorOnUri() {
		assertError("""
				routes:
				  - id: files
				    uri: ftp://files.internal
				    path: /api/files
				    rules:
				      GET: { public: true }
				""", 3, "uri must be an absolute http or https URI, but was 'ftp://files.internal'");
	}

	@Test
	void parseWhenUriRelativeThenErrorOnUri() {
		assertError("""
				routes:
				  - id: files
				    path: /api/files
				    uri: /files
				    rules:
				      GET: { public: true }
				""", 4, "uri must be an absolute http or https URI");
	}

	@Test
	void parseWhenUriUnparseableThenErrorOnUri() {
		assertError("""
				routes:
				  - id: files
				    uri: http://files internal
				    path: /api/files
				    rules:
				      GET: { public: true }
				""", 3, "uri is not a valid URI");
	}

	@Test
	void parseWhenInvalidYamlThenErrorOnProblemLine() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: [/api/orders
				    rules: x
				""", 5, "not valid YAML");
	}

	@Test
	void parseWhenMappingValueWhereNotAllowedThenErrorOnThatLine() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs: /orders
				""", 4, "not valid YAML");
	}

	@Test
	void parseWhenEmptyFileThenErrorOnFirstLine() {
		assertError("", 1, "the file is empty");
		assertError("# only a comment\n", 1, "the file is empty");
	}

	@Test
	void parseWhenRoutesEmptyThenError() {
		assertError("""
				hierarchy: [owner]
				routes: []
				""", 2, "'routes' must be a non-empty list");
	}

	@Test
	void parseWhenTenantNamesMissingVariableThenErrorOnTenant() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    tenant: org
				    rules:
				      GET: { min-role: viewer }
				""", 5, "tenant 'org' is not a variable of path /api/orgs/{orgId}/orders");
	}

	@Test
	void parseWhenDuplicateRuleKeyThenErrorOnSecondKey() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { min-role: owner }
				      GET: { public: true }
				""", 7, "duplicate key 'GET'");
	}

	@Test
	void parseWhenDuplicateRouteKeyThenErrorOnSecondKey() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/orgs/{orgId}/orders
				    uri: http://evil:8080
				    rules:
				      GET: { min-role: owner }
				""", 5, "duplicate key 'uri'");
	}

	@Test
	void parseWhenBooleanIsNotTrueOrFalseThenErrorOnValue() {
		assertError("""
				routes:
				  - id: status
				    uri: http://status:8080
				    path: /api/status
				    rules:
				      GET:
				        public: yes please
				""", 7, "public must be true or false, but was 'yes please'");
	}

	@Test
	void parseWhenInvalidPathTemplateThenErrorOnPath() {
		assertError("""
				routes:
				  - id: orders
				    uri: http://orders:8080
				    path: /api/**/orders
				    rules:
				      GET: { authenticated: true }
				""", 4, "'**' may only end a path");
	}

	private static void assertError(String yaml, int line, String reason) {
		assertThatExceptionOfType(RoutesFileException.class).isThrownBy(() -> RoutesFileLoader.parse(yaml, "routes.yml"))
			.withMessageStartingWith("routes.yml:" + line + ": ")
			.withMessageContaining(reason);
	}

}
