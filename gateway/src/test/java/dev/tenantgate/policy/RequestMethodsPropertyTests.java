package dev.tenantgate.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Methods as sent against a reference model written from RFC 9110 and the README: a method is accepted iff it is a
 * token whose letters are upper case; a route's rule for it is its own, else {@code "*"}'s for the seven standard
 * methods, else none; a rule may be keyed by {@code "*"} or an accepted method but CONNECT; meters see a bounded set.
 */
// issue-26
class RequestMethodsPropertyTests {

	private static final Pattern UPPER_CASE_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Z-]{1,32}");

	private static final Set<String> STANDARD = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

	private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
			"TRACE", "CONNECT", "PROPFIND", "PURGE", "M-SEARCH", "BREW", "get", "Delete", "dELETE", "post", "DELETE ",
			" GET", "GE T", "GET\t", "DEL\u0130TE", "DELETE\u0000", "G(ET", "G\"ET", "", "*", "A".repeat(32),
			"A".repeat(33), "X_1.2~", "\u00c9T\u00c9");

	private static final List<String> RULE_KEYS = List.of("*", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
			"OPTIONS", "TRACE", "PROPFIND", "PURGE", "M-SEARCH", "CONNECT", "get", "Delete", "BAD KEY");

	@Property(tries = 3000)
	void isValidAgreesWithTheGrammar(@ForAll("methods") String method) {
		boolean expected = UPPER_CASE_TOKEN.matcher(method).matches();
		Statistics.label("valid").collect(expected);
		assertThat(RequestMethods.isValid(method)).as("'%s'", method).isEqualTo(expected);
	}

	@Property(tries = 2000)
	void aRouteGivesEachMethodTheRuleTheModelDoes(@ForAll("ruleKeys") List<String> keys,
			@ForAll("methodsLikeTheKeys") String method) {
		Set<String> distinct = new LinkedHashSet<>(keys);
		String yaml = routesFile(new ArrayList<>(distinct));
		boolean loadable = distinct.stream()
			.allMatch((key) -> key.equals("*") || (UPPER_CASE_TOKEN.matcher(key).matches() && !key.equals("CONNECT")));
		Statistics.label("loadable").collect(loadable);
		if (!loadable) {
			assertThatThrownBy(() -> RoutesFileLoader.parse(yaml, "routes.yml")).isInstanceOf(RoutesFileException.class)
				.hasMessageContaining("unknown key");
			return;
		}
		RoutePolicy route = RoutesFileLoader.parse(yaml, "routes.yml").routes().get(0);
		String expectedKey = null;
		if (distinct.contains(method)) {
			expectedKey = method;
		}
		else if (STANDARD.contains(method) && distinct.contains("*")) {
			expectedKey = "*";
		}
		Statistics.label("rule").collect((expectedKey == null) ? "none" : expectedKey.equals("*") ? "wildcard" : "own");
		MethodRule rule = route.ruleFor(method);
		if (expectedKey == null) {
			assertThat(rule).as("'%s' with rules %s", method, distinct).isNull();
		}
		else {
			assertThat(rule).as("'%s' with rules %s", method, distinct).isEqualTo(route.rules().get(expectedKey));
		}
	}

	@Property(tries = 2000)
	void metersSeeABoundedSetOfMethods(@ForAll("methods") String method) {
		String tag = RequestMethods.tag(method);
		assertThat(tag).isIn("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER");
		if (STANDARD.contains(method)) {
			assertThat(tag).isEqualTo(method);
		}
	}

	@Provide
	Arbitrary<String> methods() {
		Arbitrary<String> tokens = Arbitraries.strings()
			.withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdez0123456789!#$%&'*+-.^_`|~ \t\"(),/:;<=>?@[]{}\u00e9\u0130")
			.ofMinLength(0)
			.ofMaxLength(36);
		return Arbitraries.oneOf(Arbitraries.of(METHODS), tokens);
	}

	@Provide
	Arbitrary<String> methodsLikeTheKeys() {
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.of(RULE_KEYS)),
				net.jqwik.api.Tuple.of(1, methods()));
	}

	@Provide
	Arbitrary<List<String>> ruleKeys() {
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.of(RULE_KEYS.subList(0, 12))),
				net.jqwik.api.Tuple.of(1, Arbitraries.of(RULE_KEYS)))
			.list()
			.ofMinSize(1)
			.ofMaxSize(6);
	}

	/** One route with a rule per key, each naming a platform role of its own so that no two rules are equal. */
	private static String routesFile(List<String> keys) {
		StringBuilder yaml = new StringBuilder("routes:\n  - id: r\n    uri: http://r:8080\n    path: /api/**\n"
				+ "    rules:\n");
		for (int i = 0; i < keys.size(); i++) {
			yaml.append("      \"").append(keys.get(i)).append("\": { platform-roles: [role-").append(i).append("] }\n");
		}
		return yaml.toString();
	}

}
