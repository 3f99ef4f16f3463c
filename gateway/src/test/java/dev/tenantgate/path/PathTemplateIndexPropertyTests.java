package dev.tenantgate.path;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PathTemplateIndex} against the reference it replaces: the templates tried in list order, the first that
 * matches wins. Templates and paths are drawn from a few segments so that most paths match several templates (a
 * literal and a variable at the same place, a {@code **} and a longer template), where the order decides. // issue-27
 */
class PathTemplateIndexPropertyTests {

	/** Few literals, so that templates overlap; paths also carry segments that no template names. */
	private static final List<String> LITERALS = List.of("api", "orgs", "a", "b");

	private static final List<String> PATH_SEGMENTS = List.of("api", "orgs", "a", "b", "acme", "42");

	@Property(tries = 3000)
	void firstMatchIsTheFirstTemplateInListOrderThatMatches(@ForAll("templateLists") List<PathTemplate> templates,
			@ForAll("paths") NormalizedPath path) {
		int expected = scan(templates, path);
		Statistics.label("matched").collect(expected >= 0);
		Statistics.label("matching templates").collect(Math.min(matchingCount(templates, path), 3));
		assertThat(PathTemplateIndex.of(templates).firstMatch(path)).isEqualTo(expected);
	}

	/** Paths made from the templates themselves, so that nearly every template is the answer for some path. */
	@Property(tries = 3000)
	void firstMatchAgreesWithTheScanOnPathsShapedLikeTheTemplates(
			@ForAll("templateLists") List<PathTemplate> templates, @ForAll("fillers") List<String> fillers) {
		PathTemplateIndex index = PathTemplateIndex.of(templates);
		for (PathTemplate template : templates) {
			NormalizedPath path = pathLike(template, fillers);
			assertThat(index.firstMatch(path)).as("%s for %s", path, templates).isEqualTo(scan(templates, path));
		}
	}

	@Example
	void firstMatchWhenVariableComesBeforeLiteralThenVariableWins() {
		List<PathTemplate> templates = compile("/api/orgs/{orgId}/**", "/api/orgs/acme/leave");
		assertThat(PathTemplateIndex.of(templates).firstMatch(path("api", "orgs", "acme", "leave"))).isZero();
	}

	@Example
	void firstMatchWhenLiteralComesBeforeVariableThenLiteralWinsAndVariableTakesTheRest() {
		PathTemplateIndex index = PathTemplateIndex.of(compile("/api/orgs/acme/leave", "/api/orgs/{orgId}/**"));
		assertThat(index.firstMatch(path("api", "orgs", "acme", "leave"))).isZero();
		assertThat(index.firstMatch(path("api", "orgs", "acme", "leave", "1"))).isEqualTo(1);
		assertThat(index.firstMatch(path("api", "orgs"))).isEqualTo(-1);
	}

	@Example
	void firstMatchWhenDoubleWildcardThenItMatchesNoSegmentToo() {
		PathTemplateIndex index = PathTemplateIndex.of(compile("/api/status", "/api/**", "/**"));
		assertThat(index.firstMatch(path("api"))).isEqualTo(1);
		assertThat(index.firstMatch(path("api", "status"))).isZero();
		assertThat(index.firstMatch(path())).isEqualTo(2);
		assertThat(PathTemplateIndex.of(compile("/")).firstMatch(path())).isZero();
		assertThat(PathTemplateIndex.of(compile("/")).firstMatch(path("a"))).isEqualTo(-1);
	}

	@Example
	void firstMatchWhenSameTemplateTwiceThenTheFirst() {
		assertThat(PathTemplateIndex.of(compile("/a/*", "/a/{x}", "/a/*")).firstMatch(path("a", "b"))).isZero();
	}

	@Example
	void firstMatchBehindAThousandOtherRoutes() {
		List<String> sources = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			sources.add("/api/orgs/{orgId}/svc" + i + "/**");
		}
		sources.add("/api/orgs/{orgId}/leave/**");
		PathTemplateIndex index = PathTemplateIndex.of(compile(sources.toArray(new String[0])));
		assertThat(index.firstMatch(path("api", "orgs", "acme", "leave", "1"))).isEqualTo(1000);
		assertThat(index.firstMatch(path("api", "orgs", "acme", "svc999"))).isEqualTo(999);
		assertThat(index.firstMatch(path("api", "orgs", "acme", "other"))).isEqualTo(-1);
	}

	@Provide
	Arbitrary<List<PathTemplate>> templateLists() {
		return templates().list().ofMinSize(0).ofMaxSize(12);
	}

	@Provide
	Arbitrary<NormalizedPath> paths() {
		return Arbitraries.of(PATH_SEGMENTS).list().ofMaxSize(6).map(NormalizedPath::new);
	}

	@Provide
	Arbitrary<List<String>> fillers() {
		return Arbitraries.of(PATH_SEGMENTS).list().ofMinSize(8).ofMaxSize(8);
	}

	private static Arbitrary<PathTemplate> templates() {
		Arbitrary<String> segment = Arbitraries.frequencyOf(
				Tuple.of(6, Arbitraries.of(LITERALS)), Tuple.of(2, Arbitraries.just("{}")),
				Tuple.of(1, Arbitraries.just("*")));
		return Combinators.combine(segment.list().ofMaxSize(4), Arbitraries.integers().between(0, 2))
			.as((segments, ending) -> {
				StringBuilder source = new StringBuilder();
				for (int i = 0; i < segments.size(); i++) {
					String part = segments.get(i);
					source.append('/').append(part.equals("{}") ? "{v" + i + "}" : part);
				}
				if (ending == 0) {
					source.append("/**");
				}
				return PathTemplate.compile(source.isEmpty() ? "/" : source.toString());
			});
	}

	/** A path the template matches: its literals, a filler for each wildcard, a few fillers for a {@code **}. */
	private static NormalizedPath pathLike(PathTemplate template, List<String> fillers) {
		List<String> segments = new ArrayList<>();
		for (int i = 0; i < template.size(); i++) {
			String literal = template.literalAt(i);
			segments.add((literal != null) ? literal : fillers.get(i));
		}
		if (template.endsWithWildcard()) {
			int extra = fillers.get(7).length() % 3;
			segments.addAll(fillers.subList(4, 4 + extra));
		}
		return new NormalizedPath(segments);
	}

	/** The reference: the first template in list order that matches. */
	private static int scan(List<PathTemplate> templates, NormalizedPath path) {
		for (int i = 0; i < templates.size(); i++) {
			if (templates.get(i).match(path) != null) {
				return i;
			}
		}
		return -1;
	}

	private static int matchingCount(List<PathTemplate> templates, NormalizedPath path) {
		return (int) templates.stream().filter((template) -> template.match(path) != null).count();
	}

	private static List<PathTemplate> compile(String... sources) {
		return List.of(sources).stream().map(PathTemplate::compile).toList();
	}

	private static NormalizedPath path(String... segments) {
		return new NormalizedPath(List.of(segments));
	}

}
