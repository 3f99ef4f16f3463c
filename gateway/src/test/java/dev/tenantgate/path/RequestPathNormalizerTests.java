package dev.tenantgate.path;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RequestPathNormalizerTests {

	private final RequestPathNormalizer normalizer = new RequestPathNormalizer(64);

	@Test
	void normalizeWhenRootThenNoSegments() {
		NormalizedPath path = this.normalizer.normalize("/");
		assertThat(path.segments()).isEmpty();
		assertThat(path.encoded()).isEqualTo("/");
	}

	@Test
	void normalizeWhenDoubleSlashThenCollapsed() {
		assertThat(segments("//api///orgs//acme")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenTrailingSlashThenDropped() {
		NormalizedPath path = this.normalizer.normalize("/api/orgs/");
		assertThat(path.segments()).containsExactly("api", "orgs");
		assertThat(path.encoded()).isEqualTo("/api/orgs");
	}

	@Test
	void normalizeWhenDotSegmentsThenResolved() {
		assertThat(segments("/api/./orgs/other/../acme/.")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenLowercaseEncodedDotDotThenResolvedAsDotSegment() {
		assertThat(segments("/api/orgs/other/%2e%2e/acme")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenMixedEncodedDotsThenResolvedAsDotSegments() {
		assertThat(segments("/api/%2E/orgs/other/.%2E/acme")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenDotDotAboveRootThenRefused() {
		assertRefused("/api/../../etc");
		assertRefused("/..");
		assertRefused("/%2e%2e/etc");
	}

	@Test
	void normalizeWhenMatrixParametersThenStripped() {
		assertThat(segments("/api;jsessionid=x/orgs/acme;v=1")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenDotDotHidesBehindMatrixParameterThenStillResolved() {
		assertThat(segments("/api/orgs/other/..;x=y/acme")).containsExactly("api", "orgs", "acme");
	}

	@Test
	void normalizeWhenSegmentIsOnlyMatrixParameterThenDropped() {
		assertThat(segments("/api/;x=y/orgs")).containsExactly("api", "orgs");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/orgs%2Facme", "/api/orgs%2facme", "/api/orgs%5Cacme", "/api/orgs%5cacme",
			"/api/orgs\\acme", "/api/%25", "/api/orgs%252Facme", "/api/a%00b", "/api/a%0Ab", "/api/a%0d%0ab",
			"/api/a%7Fb", "/api/a%20b", "/api/a%3Bb", "/api/a%3bb", "/api/a b", "/api/a\tb", "/api/a\u0000b",
			"/api/a\u007Fb" })
	void normalizeWhenAmbiguousOrControlCharacterThenRefused(String rawPath) {
		assertRefused(rawPath);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/a%", "/api/a%2", "/api/%zz", "/api/%2g", "/api/%g2", "/api/a%/b" })
	void normalizeWhenPercentEncodingTruncatedOrInvalidThenRefused(String rawPath) {
		assertRefused(rawPath);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/%C0%AF", "/api/%FF", "/api/%C3", "/api/%E2%82", "/api/%ED%A0%80" })
	void normalizeWhenInvalidUtf8ThenRefused(String rawPath) {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> this.normalizer.normalize(rawPath))
			.withMessage("The path is not valid UTF-8.");
	}

	@Test
	void normalizeWhenValidUtf8ThenDecodedAndReEncoded() {
		NormalizedPath path = this.normalizer.normalize("/caf%C3%A9/x");
		assertThat(path.segments()).containsExactly("café", "x");
		assertThat(path.encoded()).isEqualTo("/caf%C3%A9/x");
	}

	@Test
	void normalizeWhenUnreservedCharactersEncodedThenDecodedOnce() {
		NormalizedPath path = this.normalizer.normalize("/api/%61%63me");
		assertThat(path.segments()).containsExactly("api", "acme");
		assertThat(path.encoded()).isEqualTo("/api/acme");
	}

	@Test
	void normalizeWhenRawUtf8BytesNextToPercentEncodingThenDecodedAsUtf8() {
		// Reactor Netty hands the request line over as ISO-8859-1, so each raw UTF-8 byte is one char > 0x7F:
		// "é" arrives as the two chars 0xC3 0xA9.
		NormalizedPath path = this.normalizer.normalize("/\u00c3\u00a9\u00c3\u00a9%41");
		assertThat(path.segments()).containsExactly("\u00e9\u00e9A");
	}

	@Test
	void normalizeWhenRawBytesAreNotUtf8ThenRefused() {
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> this.normalizer.normalize("/\u00e9\u00e9\u00e9\u00e9%41"));
	}

	@Test
	void normalizeWhenLengthAtLimitThenAccepted() {
		String path = "/" + "a".repeat(63);
		assertThat(this.normalizer.normalize(path).encoded()).isEqualTo(path);
	}

	@Test
	void normalizeWhenTooLongThenRefused() {
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> this.normalizer.normalize("/" + "a".repeat(64)))
			.withMessage("The path is too long.");
	}

	@Test
	void normalizeWhenNotStartingWithSlashThenRefused() {
		assertRefused("");
		assertRefused("api/orgs");
	}

	@Test
	void constructorWhenMaxLengthNotPositiveThenIllegalArgument() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new RequestPathNormalizer(0));
	}

	@Test
	void encodedWhenSegmentHasReservedCharactersThenEscaped() {
		NormalizedPath path = new NormalizedPath(List.of("a b", "c?d", "e#f"));
		assertThat(path.encoded()).isEqualTo("/a%20b/c%3Fd/e%23f");
	}

	private List<String> segments(String rawPath) {
		return this.normalizer.normalize(rawPath).segments();
	}

	private void assertRefused(String rawPath) {
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> this.normalizer.normalize(rawPath));
	}

}
