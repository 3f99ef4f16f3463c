package dev.tenantgate.policy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.env.StandardEnvironment;

/**
 * Finds rules that are valid but probably not what was meant: a route that can never be reached because an earlier
 * route matches every path it matches (the first match wins, so an earlier looser route silently shadows a later
 * stricter one), member roles that the route's hierarchy does not know (they only grant themselves), a
 * {@code cross-tenant} rule that names none of the roles that may cross (crossing lifts only the tenant check), and
 * every route in shadow mode, which is open to every caller.
 */
public final class RoutesLinter {

	private RoutesLinter() {
	}

	/**
	 * The {@code lint} command: {@code java -jar tenantgate-gateway.jar lint [routes.yml]}. Prints every error and
	 * warning; returns 0 when the file is clean, 1 when it is invalid, 2 when it only has warnings.
	 */
	public static int run(String[] args, PrintStream out) {
		Path file = Path.of((args.length > 1) ? args[1] : "routes.yml");
		try {
			String content = new StandardEnvironment().resolvePlaceholders(Files.readString(file));
			List<String> warnings = lint(RoutesFileLoader.parse(content, file.toString()), file.toString());
			warnings.forEach((warning) -> out.println("warning: " + warning));
			out.println(file + ": " + (warnings.isEmpty() ? "ok" : warnings.size() + " warning(s)"));
			return warnings.isEmpty() ? 0 : 2;
		}
		catch (RoutesFileException ex) {
			out.println("error: " + ex.getMessage());
			return 1;
		}
		catch (IOException ex) {
			out.println("error: cannot read " + file + ": " + ex.getMessage());
			return 1;
		}
	}

	/** The warnings for {@code file}, each naming the route and its line. */
	public static List<String> lint(RoutesFile file, String source) {
		List<String> warnings = new ArrayList<>();
		List<RoutePolicy> routes = file.routes();
		for (int later = 0; later < routes.size(); later++) {
			RoutePolicy route = routes.get(later);
			for (int earlier = 0; earlier < later; earlier++) {
				RoutePolicy first = routes.get(earlier);
				if (first.path().covers(route.path())) {
					warnings.add(source + ":" + route.line() + ": route '" + route.id() + "' is never reached: route '"
							+ first.id() + "' (line " + first.line() + ") comes first and matches every path it matches");
					break;
				}
			}
			if (route.shadow()) {
				warnings.add(source + ":" + route.line() + ": route '" + route.id() + "' is in shadow mode: it is open "
						+ "to every caller (no token needed, any method), its rules are only logged");
			}
			for (Map.Entry<String, MethodRule> rule : sorted(route.rules())) {
				MethodRule methodRule = rule.getValue();
				if (!route.crossTenantRoles().isEmpty() && methodRule.access() != MethodRule.Access.PUBLIC
						&& Collections.disjoint(methodRule.platformRoles(), route.crossTenantRoles())) {
					warnings.add(source + ":" + route.line() + ": route '" + route.id() + "' " + rule.getKey()
							+ ": cross-tenant, but the rule names none of the cross-tenant roles "
							+ sorted(route.crossTenantRoles()) + " in platform-roles; crossing lifts only the tenant "
							+ "check, so they get only the member roles they hold in the organization");
				}
				for (String role : methodRule.memberRoles()) {
					if (!route.hierarchy().contains(role)) {
						warnings.add(source + ":" + route.line() + ": route '" + route.id() + "' " + rule.getKey()
								+ ": role '" + role + "' is in no hierarchy (" + route.hierarchy()
								+ "); only members holding exactly that role are let in");
					}
				}
			}
		}
		return warnings;
	}

	private static List<Map.Entry<String, MethodRule>> sorted(Map<String, MethodRule> rules) {
		return rules.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
	}

	private static List<String> sorted(Set<String> roles) {
		return roles.stream().sorted().toList();
	}

}
