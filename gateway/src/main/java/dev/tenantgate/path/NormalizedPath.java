package dev.tenantgate.path;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriUtils;

/**
 * A request path after normalization: decoded segments with no empty, dot or matrix-parameter parts. This is the
 * only form of the path that route matching, tenant extraction and the downstream ever see.
 */
public final class NormalizedPath {

	private final List<String> segments;

	private final String encoded;

	/**
	 * @param segments the decoded segments, in order
	 */
	public NormalizedPath(List<String> segments) {
		this(segments, null);
	}

	/**
	 * @param encoded the path as the request sent it, when normalizing did not change it (so encoding the segments
	 * again would give it back); {@code null} to encode them
	 */
	NormalizedPath(List<String> segments, @Nullable String encoded) {
		this.segments = List.copyOf(segments);
		this.encoded = (encoded != null) ? encoded : encode(this.segments);
	}

	/** The decoded segments, in order. */
	public List<String> segments() {
		return this.segments;
	}

	/** The path encoded for the wire, e.g. {@code /api/orgs/acme/orders}; {@code /} for the root. */
	public String encoded() {
		return this.encoded;
	}

	private static String encode(List<String> segments) {
		if (segments.isEmpty()) {
			return "/";
		}
		StringBuilder path = new StringBuilder();
		for (String segment : segments) {
			path.append('/').append(UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8));
		}
		return path.toString();
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof NormalizedPath that && this.segments.equals(that.segments));
	}

	@Override
	public int hashCode() {
		return this.segments.hashCode();
	}

	@Override
	public String toString() {
		return this.encoded;
	}

}
