package dev.tenantgate.path;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PathTemplateTests {

	@Test
	void matchWhenLiteralsEqualThenMatchesWithoutVariables() {
		assertThat(PathTemplate.compile("/api/status").match(path("api", "status"))).isEmpty();
	}

	@Test
	void matchWhenLiteralDiffersThenNull() {
		assertThat(PathTemplate.compile("/api/status").match(path("api", "health"))).isNull();
	}

	@Test
	void matchWhenLiteralDiffersOnlyInCaseThenNull() {
		assertThat(PathTemplate.compile("/api/status").match(path("API", "status"))).isNull();
		assertThat(PathTemplate.compile("/api/status").match(path("api", "Status"))).isNull();
	}

	@Test
	void matchWhenSegmentCountDiffersThenNull() {
		PathTemplate template = PathTemplate.compile("/api/status");
		assertThat(template.match(path("api"))).isNull();
		assertThat(template.match(path("api", "status", "extra"))).isNull();
	}

	@Test
	void matchWhenVariablesThenExtracted() {
		PathTemplate template = PathTemplate.compile("/api/orgs/{orgId}/orders/{orderId}");
		assertThat(template.match(path("api", "orgs", "acme", "orders", "42")))
			.containsExactlyInAnyOrderEntriesOf(Map.of("orgId", "acme", "orderId", "42"));
		assertThat(template.variableNames()).containsExactly("orgId", "orderId");
	}

	@Test
	void matchWhenVariableSegmentMissingThenNull() {
		assertThat(PathTemplate.compile("/api/orgs/{orgId}").match(path("api", "orgs"))).isNull();
	}

	@Test
	void matchWhenSingleWildcardThenMatchesExactlyOneSegmentWithoutCapturing() {
		PathTemplate template = PathTemplate.compile("/api/*/status");
		assertThat(template.match(path("api", "anything", "status"))).isEmpty();
		assertThat(template.match(path("api", "status"))).isNull();
		assertThat(template.match(path("api", "a", "b", "status"))).isNull();
		assertThat(template.variableNames()).isEmpty();
	}

	@Test
	void matchWhenTrailingDoubleWildcardThenMatchesZeroOrMoreSegments() {
		PathTemplate template = PathTemplate.compile("/api/orgs/{orgId}/orders/**");
		assertThat(template.match(path("api", "orgs", "acme", "orders"))).containsExactly(Map.entry("orgId", "acme"));
		assertThat(template.match(path("api", "orgs", "acme", "orders", "42"))).containsExactly(Map.entry("orgId", "acme"));
		assertThat(template.match(path("api", "orgs", "acme", "orders", "42", "items", "7")))
			.containsExactly(Map.entry("orgId", "acme"));
		assertThat(template.match(path("api", "orgs", "acme"))).isNull();
		assertThat(template.match(path("api", "orgs", "acme", "invoices"))).isNull();
	}

	@Test
	void matchWhenRootTemplateThenOnlyRootMatches() {
		PathTemplate template = PathTemplate.compile("/");
		assertThat(template.match(path())).isEmpty();
		assertThat(template.match(path("api"))).isNull();
	}

	@Test
	void matchWhenOnlyDoubleWildcardThenEverythingMatches() {
		PathTemplate template = PathTemplate.compile("/**");
		assertThat(template.match(path())).isEmpty();
		assertThat(template.match(path("a", "b"))).isEmpty();
	}

	@Test
	void compileWhenDoubleWildcardNotLastThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.compile("/api/**/orders"))
			.withMessageContaining("'**' may only end a path");
	}

	@Test
	void compileWhenVariableAppearsTwiceThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.compile("/orgs/{id}/users/{id}"))
			.withMessageContaining("variable 'id' appears twice");
	}

	@ParameterizedTest
	@ValueSource(strings = { "api/status", "", "/api//status", "/api/./status", "/api/../status", "/api/{}",
			"/api/{1org}", "/api/{org-id}", "/api/pre{orgId}", "/api/a*", "/api/a;b", "/api/a%2Fb", "/api/" })
	void compileWhenTemplateInvalidThenRefused(String template) {
		assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.compile(template));
	}

	@Test
	void toStringWhenCompiledThenSource() {
		assertThat(PathTemplate.compile("/api/orgs/{orgId}/**")).hasToString("/api/orgs/{orgId}/**");
	}

	private static NormalizedPath path(String... segments) {
		return new NormalizedPath(List.of(segments));
	}

}
