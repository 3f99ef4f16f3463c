package dev.tenantgate.path;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Properties of {@link RequestPathNormalizer} over paths built from risky pieces: dots, encoded dots and slashes,
 * double encoding, matrix parameters, control characters, backslashes, valid and invalid UTF-8.
 * <p>
 * Reactor Netty hands the request line over as ISO-8859-1, so a raw path only ever holds chars up to U+00FF (a raw
 * UTF-8 byte is one such char). The robustness properties still try any char, apart from lone surrogates, which no
 * request can produce.
 */
class RequestPathNormalizerPropertyTests {

	private static final int MAX_LENGTH = 160;

	private final RequestPathNormalizer normalizer = new RequestPathNormalizer(MAX_LENGTH);

	/** ASCII pieces: everything a client can send percent-encoded, plus the raw characters that must be refused. */
	private static final List<String> ASCII_PIECES = List.of("/", "/", "/", "//", ".", "..", "...", "%2e", "%2E", "%2e%2e",
			".%2E", "%2f", "%2F", "%5c", "%5C", "\\", "%25", "%252f", "%", "%4", "%g1", "%41", "%7e", ";", ";x=1",
			";jsessionid=ab", "%3b", "%3B", "%00", "%0a", "%0D", "%1f", "%20", " ", "\t", "%7f", "\u007f", "%C3%A9",
			"%c3", "%e2%82%ac", "%E2%82", "%f0%9f%98%80", "%F0%9F%98", "%ff", "%C0%AF", "%ED%A0%80", "%3F", "%23", "?",
			"#", "acme", "orders", "api", "orgs", "a:b", "*", "~", "-", "_", "+", "=", "&", "@", "!", "$", "'", "(", ")",
			",", "0", "Z");

	/** Raw non-ASCII as it reaches the normalizer (one char per UTF-8 byte), and chars no request can carry. */
	private static final List<String> OTHER_PIECES = List.of("\u00c3\u00a9", "\u00e9", "\u00ff", "\u0080", "\u0085",
			"\u00a0", "\u00c2\u0085", "\u00f0\u009f\u0098\u0080", "\u00e9", "é", "😀", "\u0663", "\uff12", "%\u0663\u0661",
			"%\uff12e", "\u2028", "\ufeff");

	@Property(tries = 3000)
	void normalizeThrowsNothingButInvalidPathException(@ForAll("anyPaths") String rawPath) {
		Throwable thrown = catchThrowable(() -> this.normalizer.normalize(rawPath));
		assertThat(thrown).satisfiesAnyOf((ex) -> assertThat(ex).isNull(),
				(ex) -> assertThat(ex).isExactlyInstanceOf(InvalidPathException.class));
	}

	@Property(tries = 3000)
	void normalizedSegmentsAreNeverEmptyOrDotSegments(@ForAll("anyPaths") String rawPath) {
		NormalizedPath path = normalizeOrNull(rawPath);
		Statistics.label("accepted").collect(path != null);
		if (path != null) {
			assertThat(path.segments()).doesNotContain("", ".", "..")
				.allSatisfy((segment) -> assertThat(segment).doesNotContain("/"));
		}
	}

	@Property(tries = 3000)
	void normalizingTheEncodedPathAgainChangesNothing(@ForAll("anyPaths") String rawPath) {
		NormalizedPath path = normalizeOrNull(rawPath);
		if (path != null) {
			NormalizedPath again = this.normalizer.normalize(path.encoded());
			assertThat(again.segments()).isEqualTo(path.segments());
			assertThat(again.encoded()).isEqualTo(path.encoded());
		}
	}

	/** The normalizer hands back the raw path as the encoded form when it changed nothing; that must be exact. */
	@Property(tries = 5000)
	void theEncodedPathIsTheSegmentsEncodedAgain(@ForAll("pathsWithCharsToEncode") String rawPath) {
		NormalizedPath path = normalizeOrNull(rawPath);
		if (path != null) {
			Statistics.label("sent in normal form").collect(path.encoded().equals(rawPath));
			Statistics.label("sent in normal form").coverage((coverage) -> {
				coverage.check(true).percentage((percent) -> percent > 1);
				coverage.check(false).percentage((percent) -> percent > 10);
			});
			assertThat(path.encoded()).isEqualTo(new NormalizedPath(path.segments()).encoded());
		}
	}

	@Property(tries = 5000)
	void normalizeAgreesWithADecodeThenResolveModel(@ForAll("asciiPaths") String rawPath) {
		Optional<List<String>> expected = ReferenceModel.normalize(rawPath, MAX_LENGTH);
		NormalizedPath actual = normalizeOrNull(rawPath);
		Statistics.label("accepted").collect(expected.isPresent());
		// Neither side may be vacuous: plenty of paths are accepted and plenty refused.
		Statistics.label("accepted").coverage((coverage) -> {
			coverage.check(true).percentage((percent) -> percent > 10);
			coverage.check(false).percentage((percent) -> percent > 10);
		});
		if (expected.isEmpty()) {
			assertThat(actual).as("refused by the model").isNull();
		}
		else {
			assertThat(actual).as("accepted by the model as %s", expected.get()).isNotNull();
			assertThat(actual.segments()).isEqualTo(expected.get());
		}
	}

	/**
	 * A raw UTF-8 byte reaches the normalizer as one ISO-8859-1 char; the normalizer re-encodes that char as UTF-8
	 * instead of taking it as the byte it is, so {@code /café} in raw UTF-8 and {@code /caf%C3%A9} become different
	 * segments, and the downstream receives {@code /caf%C3%83%C2%A9}.
	 */
	@Example
	void normalizeWhenRawUtf8BytesThenSameSegmentsAsPercentEncoded() {
		assertThat(this.normalizer.normalize("/caf\u00c3\u00a9").segments())
			.isEqualTo(this.normalizer.normalize("/caf%C3%A9").segments());
		assertThat(this.normalizer.normalize("/caf\u00c3\u00a9%21").segments())
			.isEqualTo(this.normalizer.normalize("/caf%C3%A9%21").segments());
	}

	/**
	 * Unreachable over HTTP today (no request carries chars above U+00FF), but {@code Character.digit} takes any
	 * Unicode digit or fullwidth letter as a hex digit, so {@code %\uFF12e%\uFF12e} decodes to {@code ..}.
	 */
	@Example
	void normalizeWhenPercentEncodingUsesNonAsciiDigitsThenRefused() {
		assertThatExceptionOfType(InvalidPathException.class)
			.isThrownBy(() -> this.normalizer.normalize("/api/orgs/a/%\uff12e%\uff12e/b"));
	}

	@Provide
	Arbitrary<String> asciiPaths() {
		return paths(Arbitraries.of(ASCII_PIECES));
	}

	/** ASCII paths with raw characters that are sent as they are but must be percent-encoded for the downstream. */
	@Provide
	Arbitrary<String> pathsWithCharsToEncode() {
		return paths(Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(ASCII_PIECES)),
				Tuple.of(1, Arbitraries.of("\"", "<", ">", "`", "{", "}", "|", "^", "[", "]"))));
	}

	@Provide
	Arbitrary<String> anyPaths() {
		Arbitrary<String> pieces = Arbitraries.frequencyOf(
				Tuple.of(6, Arbitraries.of(ASCII_PIECES)),
				Tuple.of(2, Arbitraries.of(OTHER_PIECES)),
				Tuple.of(1, Arbitraries.chars().range('\u0000', '\u00ff').map(String::valueOf)));
		return paths(pieces);
	}

	/** Mostly paths from the root; sometimes not, to cover that refusal too. */
	private static Arbitrary<String> paths(Arbitrary<String> pieces) {
		Arbitrary<String> body = pieces.list().ofMaxSize(24).map((list) -> String.join("", list));
		return Arbitraries.frequencyOf(Tuple.of(19, body.map((rest) -> "/" + rest)),
				Tuple.of(1, body));
	}

	private NormalizedPath normalizeOrNull(String rawPath) {
		try {
			return this.normalizer.normalize(rawPath);
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

	/**
	 * What the normalizer should do, written the plain way: take the path as bytes (ISO-8859-1, as Reactor Netty hands
	 * it over), split on {@code /}, drop matrix parameters, refuse raw control characters and backslashes,
	 * percent-decode each segment once with ASCII hex digits, refuse the decoded bytes that would be ambiguous
	 * ({@code / \ % ;}, controls), decode UTF-8 strictly, then resolve dot segments.
	 */
	static final class ReferenceModel {

		static Optional<List<String>> normalize(String rawPath, int maxLength) {
			if (!rawPath.startsWith("/") || rawPath.length() > maxLength) {
				return Optional.empty();
			}
			List<String> segments = new ArrayList<>();
			for (String raw : rawPath.substring(1).split("/", -1)) {
				String withoutParameters = raw.contains(";") ? raw.substring(0, raw.indexOf(';')) : raw;
				Optional<String> decoded = decode(withoutParameters);
				if (decoded.isEmpty()) {
					return Optional.empty();
				}
				String segment = decoded.get();
				if (segment.equals("..")) {
					if (segments.isEmpty()) {
						return Optional.empty();
					}
					segments.remove(segments.size() - 1);
				}
				else if (!segment.isEmpty() && !segment.equals(".")) {
					segments.add(segment);
				}
			}
			return Optional.of(segments);
		}

		private static Optional<String> decode(String raw) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			for (int i = 0; i < raw.length(); i++) {
				char c = raw.charAt(i);
				if (c > 0xFF || c <= 0x20 || c == 0x7F || c == '\\') {
					return Optional.empty();
				}
				if (c != '%') {
					bytes.write(c);
					continue;
				}
				if (i + 2 >= raw.length() || !isHex(raw.charAt(i + 1)) || !isHex(raw.charAt(i + 2))) {
					return Optional.empty();
				}
				int value = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
				if (value <= 0x20 || value == 0x7F || value == '/' || value == '\\' || value == '%' || value == ';') {
					return Optional.empty();
				}
				bytes.write(value);
				i += 2;
			}
			try {
				return Optional.of(StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes.toByteArray()))
					.toString());
			}
			catch (CharacterCodingException ex) {
				return Optional.empty();
			}
		}

		private static boolean isHex(char c) {
			return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		}

	}

}
