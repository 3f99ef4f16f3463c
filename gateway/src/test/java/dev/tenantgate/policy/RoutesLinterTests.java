package dev.tenantgate.policy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RoutesLinterTests {

	private static final String ORDERS_FIRST_THEN_BILLING = """
			routes:
			  - id: everything
			    uri: http://a
			    path: /api/orgs/{orgId}/**
			    rules:
			      GET: { min-role: viewer }
			  - id: billing
			    uri: http://b
			    path: /api/orgs/{orgId}/billing/**
			    rules:
			      GET: { min-role: owner }
			""";

	@Test
	void lintWhenLooserRouteComesFirstThenStricterRouteIsReportedUnreachable() {
		List<String> warnings = RoutesLinter.lint(RoutesFileLoader.parse(ORDERS_FIRST_THEN_BILLING, "routes.yml"),
				"routes.yml");
		assertThat(warnings).containsExactly("routes.yml:7: route 'billing' is never reached: route 'everything' "
				+ "(line 2) comes first and matches every path it matches");
	}

	@Test
	void lintWhenStricterRouteComesFirstThenNoWarning() {
		String reversed = """
				routes:
				  - id: billing
				    uri: http://b
				    path: /api/orgs/{orgId}/billing/**
				    rules:
				      GET: { min-role: owner }
				  - id: everything
				    uri: http://a
				    path: /api/orgs/{orgId}/**
				    rules:
				      GET: { min-role: viewer }
				  - id: one
				    uri: http://a
				    path: /api/orgs/{orgId}/one
				    rules:
				      GET: { min-role: viewer }
				""";
		assertThat(RoutesLinter.lint(RoutesFileLoader.parse(reversed, "r.yml"), "r.yml")).hasSize(1)
			.first()
			.asString()
			.contains("route 'one' is never reached: route 'everything'");
	}

	@Test
	void lintWhenRoleIsInNoHierarchyThenWarns() {
		String unknownRole = """
				routes:
				  - id: orders
				    uri: http://a
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { roles: [viewer, auditor] }
				""";
		assertThat(RoutesLinter.lint(RoutesFileLoader.parse(unknownRole, "r.yml"), "r.yml"))
			.containsExactly("r.yml:2: route 'orders' GET: role 'auditor' is in no hierarchy (owner > admin > staff > "
					+ "viewer); only members holding exactly that role are let in");
	}

	@Test
	void runWhenFileIsCleanWarnsOrIsInvalidThenExitCodeAndOutputSaySo(@TempDir Path dir) throws Exception {
		Path clean = Files.writeString(dir.resolve("clean.yml"), """
				routes:
				  - id: status
				    uri: http://a
				    path: /api/status
				    rules:
				      GET: { public: true }
				""");
		Path shadowed = Files.writeString(dir.resolve("shadowed.yml"), ORDERS_FIRST_THEN_BILLING);
		Path invalid = Files.writeString(dir.resolve("invalid.yml"), "routes:\n  - id: x\n    uri: http://a\n");
		assertThat(run(clean)).endsWith("clean.yml: ok\n");
		assertThat(runCode(clean)).isZero();
		assertThat(runCode(shadowed)).isEqualTo(2);
		assertThat(run(invalid)).startsWith("error: ").contains("invalid.yml:");
		assertThat(runCode(invalid)).isEqualTo(1);
	}

	private static String run(Path file) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		RoutesLinter.run(new String[] { "lint", file.toString() }, new PrintStream(out, true, StandardCharsets.UTF_8));
		return out.toString(StandardCharsets.UTF_8);
	}

	private static int runCode(Path file) {
		return RoutesLinter.run(new String[] { "lint", file.toString() },
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
	}

	@Test
	void lintWhenRouteIsInShadowModeThenItIsReportedOpenToEveryCaller() { // issue-26
		String routes = """
				routes:
				  - id: beta
				    uri: http://b
				    path: /api/orgs/{orgId}/beta/**
				    shadow: true
				    rules:
				      GET: { min-role: owner }
				  - id: orders
				    uri: http://a
				    path: /api/orgs/{orgId}/orders
				    rules:
				      GET: { min-role: viewer }
				""";
		assertThat(RoutesLinter.lint(RoutesFileLoader.parse(routes, "routes.yml"), "routes.yml")).containsExactly(
				"routes.yml:2: route 'beta' is in shadow mode: it is open to every caller (no token needed, any "
						+ "method), its rules are only logged");
	}

	@Test
	void lintWhenCrossTenantRuleNamesNoCrossingRoleThenReported() { // issue-26
		String routes = """
				cross-tenant-roles: [superadmin, admin]
				routes:
				  - id: billing
				    uri: http://b
				    path: /api/orgs/{orgId}/billing/**
				    cross-tenant: true
				    rules:
				      GET: { min-role: owner, platform-roles: [admin] }
				      DELETE: { min-role: owner }
				  - id: status
				    uri: http://b
				    path: /api/orgs/{orgId}/status
				    cross-tenant: true
				    rules:
				      GET: { public: true }
				""";
		assertThat(RoutesLinter.lint(RoutesFileLoader.parse(routes, "routes.yml"), "routes.yml")).containsExactly(
				"routes.yml:3: route 'billing' DELETE: cross-tenant, but the rule names none of the cross-tenant roles "
						+ "[admin, superadmin] in platform-roles; crossing lifts only the tenant check, so they get only "
						+ "the member roles they hold in the organization");
	}

}
