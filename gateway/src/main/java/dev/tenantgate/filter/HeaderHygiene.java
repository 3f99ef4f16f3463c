package dev.tenantgate.filter;

import java.util.List;

/**
 * What the one pass over a client's headers does besides the identity headers: further names and name prefixes it
 * removes (all compared case-insensitively, and reading {@code _} as {@code -}), and whether it adds
 * {@code te: trailers} to gRPC requests.
 *
 * @param names header names removed from client requests (e.g. {@code Forwarded}, the hop-by-hop headers)
 * @param prefixes header name prefixes removed from client requests (e.g. {@code X-Tenantgate-})
 * @param grpcTrailers whether a request whose content type is {@code application/grpc...} gets {@code te: trailers}
 * (the gRPC protocol requires it; the client's own {@code te} is a hop-by-hop header, removed)
 */
public record HeaderHygiene(List<String> names, List<String> prefixes, boolean grpcTrailers) {

	public HeaderHygiene {
		names = List.copyOf(names);
		prefixes = List.copyOf(prefixes);
	}

	/** Only the identity headers are removed, nothing is added. */
	public static HeaderHygiene none() {
		return new HeaderHygiene(List.of(), List.of(), false);
	}

}
