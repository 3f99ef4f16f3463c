package dev.tenantgate.path;

import java.util.List;

import org.springframework.web.util.UriUtils;

/**
 * A request path after normalization: decoded segments with no empty, dot or matrix-parameter parts. This is the
 * only form of the path that route matching, tenant extraction and the downstream ever see.
 *
 * @param segments the decoded segments, in order
 */
public record NormalizedPath(List<String> segments) {

	public NormalizedPath {
		segments = List.copyOf(segments);
	}

	/** The path re-encoded for the wire, e.g. {@code /api/orgs/acme/orders}; {@code /} for the root. */
	public String encoded() {
		if (this.segments.isEmpty()) {
			return "/";
		}
		StringBuilder path = new StringBuilder();
		for (String segment : this.segments) {
			path.append('/').append(UriUtils.encodePathSegment(segment, java.nio.charset.StandardCharsets.UTF_8));
		}
		return path.toString();
	}

}
