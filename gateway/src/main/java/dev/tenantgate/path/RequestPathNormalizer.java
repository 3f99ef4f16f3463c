package dev.tenantgate.path;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw request path into a {@link NormalizedPath}, or refuses it.
 * <p>
 * Normalization removes empty segments ({@code //}), matrix parameters ({@code ;jsessionid=...}) and dot segments
 * ({@code .}, {@code ..}, also when percent-encoded), and decodes percent-encoding once. Inputs whose meaning
 * depends on who decodes them are refused rather than guessed at: an encoded slash or backslash ({@code %2F},
 * {@code %5C}), an encoded percent ({@code %25}, i.e. double encoding), control characters, invalid UTF-8, and
 * {@code ..} above the root. The normalized path is what the downstream receives, so the gateway and the service
 * behind it always agree on which tenant and which route a request is for.
 */
public final class RequestPathNormalizer {

	// RFC 3986 pchar: unreserved / sub-delims / ":" / "@", without ";" (the normalizer drops matrix parameters).
	private static final boolean[] PCHAR = new boolean[128];

	static {
		for (char c = 0; c < 128; c++) {
			PCHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "-._~!$&'()*+,=:@".indexOf(c) >= 0;
		}
	}

	private final int maxLength;

	public RequestPathNormalizer(int maxLength) {
		if (maxLength < 1) {
			throw new IllegalArgumentException("maxLength must be positive, but was " + maxLength);
		}
		this.maxLength = maxLength;
	}

	/**
	 * Normalizes {@code rawPath}, the still-encoded path of the request line without its query.
	 * @throws InvalidPathException when the path is refused
	 */
	public NormalizedPath normalize(String rawPath) {
		if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
			throw new InvalidPathException("The path must start with '/'.");
		}
		if (rawPath.length() > this.maxLength) {
			throw new InvalidPathException("The path is too long.");
		}
		List<String> segments = new ArrayList<>();
		boolean verbatim = rawPath.length() > 1;
		int start = 1;
		while (start <= rawPath.length()) {
			int end = rawPath.indexOf('/', start);
			if (end < 0) {
				end = rawPath.length();
			}
			verbatim &= addSegment(segments, rawPath.substring(start, end));
			start = end + 1;
		}
		// The usual case: nothing was removed or decoded, so the path is already in its encoded normal form.
		return new NormalizedPath(segments, verbatim ? rawPath : null);
	}

	/**
	 * @return whether the segment was kept exactly as it was sent, and encoding it again would give it back
	 */
	private static boolean addSegment(List<String> segments, String rawSegment) {
		int semicolon = rawSegment.indexOf(';');
		String withoutParameters = (semicolon >= 0) ? rawSegment.substring(0, semicolon) : rawSegment;
		String segment = decode(withoutParameters);
		if (segment.isEmpty() || segment.equals(".")) {
			return false;
		}
		if (segment.equals("..")) {
			if (segments.isEmpty()) {
				throw new InvalidPathException("The path climbs above the root.");
			}
			segments.remove(segments.size() - 1);
			return false;
		}
		segments.add(segment);
		return semicolon < 0 && segment.equals(rawSegment) && isEncodedAsIs(segment);
	}

	/** Whether every character is one that a path segment carries unencoded (RFC 3986 pchar, except {@code ;}). */
	private static boolean isEncodedAsIs(String segment) {
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			if (c >= 128 || !PCHAR[c]) {
				return false;
			}
		}
		return true;
	}

	// The server hands the path over as ISO-8859-1 characters, one per byte: characters above 0x7F are raw bytes,
	// and with the percent-decoded ones they must form valid UTF-8.
	private static String decode(String raw) {
		boolean plainAscii = true;
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '%' || c > 0x7F) {
				plainAscii = false;
			}
			else if (c < 0x21 || c == 0x7F || c == '\\') {
				throw new InvalidPathException("The path contains a forbidden character.");
			}
		}
		if (plainAscii) {
			return raw;
		}
		ByteBuffer bytes = ByteBuffer.allocate(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '%') {
				if (c > 0xFF) {
					throw new InvalidPathException("The path contains a forbidden character.");
				}
				bytes.put((byte) c);
				continue;
			}
			if (i + 2 >= raw.length()) {
				throw new InvalidPathException("The path has a truncated percent-encoding.");
			}
			int value = (hex(raw.charAt(i + 1)) << 4) | hex(raw.charAt(i + 2));
			if (value < 0x21 || value == 0x7F || value == '/' || value == '\\' || value == '%' || value == ';') {
				throw new InvalidPathException("The path contains an encoded character that is not allowed.");
			}
			bytes.put((byte) value);
			i += 2;
		}
		bytes.flip();
		return utf8(bytes);
	}

	private static int hex(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		throw new InvalidPathException("The path has an invalid percent-encoding.");
	}

	private static String utf8(ByteBuffer bytes) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			CharBuffer chars = decoder.decode(bytes);
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidPathException("The path is not valid UTF-8.");
		}
	}

}
