package dev.tenantgate.filter;

import java.util.List;
import java.util.stream.Stream;

import dev.tenantgate.policy.Identity;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.util.StringUtils;

/**
 * The trusted identity headers: removed from every client request, whatever their letter case, and set by the
 * gateway only after a request is authorized. The other headers no client may send downstream (its
 * connection-specific headers, its forwarding headers when no proxy in front is trusted) are removed in the same
 * pass, and gRPC requests get {@code te: trailers} ({@link HeaderHygiene}).
 */
public final class IdentityHeaders {

	/** From this many header values on, the copy is made from the server's own store (see forDownstream). */
	static final int MANY_HEADERS = 32;

	private static final String TE = "te";

	private static final String TRAILERS = "trailers";

	private static final String GRPC_CONTENT_TYPE = "application/grpc";

	private final String userId;

	private final String organizationId;

	private final String orgRole;

	private final String platformRole;

	private final RemovedHeaders removed;

	private final RemovedHeaders removedWithCredentials;

	private final boolean grpcTrailers;

	/**
	 * @param userId the user id header, {@code X-User-Id} by default
	 * @param organizationId the tenant header, {@code X-Organization-Id} by default
	 * @param orgRole the member roles header, {@code X-Org-Role} by default
	 * @param platformRole the platform roles header, {@code X-Platform-Role} by default
	 * @param hygiene the further names and prefixes removed from client requests, and whether gRPC requests get
	 * {@code te: trailers}
	 */
	public IdentityHeaders(String userId, String organizationId, String orgRole, String platformRole,
			HeaderHygiene hygiene) {
		this.userId = userId;
		this.organizationId = organizationId;
		this.orgRole = orgRole;
		this.platformRole = platformRole;
		// Connection, and every header it names, are the client's connection-specific headers (RFC 9110, 7.6.1),
		// which a proxy removes. They go here, before the identity headers are set, even where the gateway's own
		// hop-by-hop filter still runs on requests after this one: it would remove a trusted identity header that
		// the client named in Connection.
		List<String> names = Stream
			.concat(Stream.of(userId, organizationId, orgRole, platformRole, HttpHeaders.CONNECTION),
					hygiene.names().stream())
			.toList();
		this.removed = new RemovedHeaders(names, hygiene.prefixes());
		this.removedWithCredentials = new RemovedHeaders(
				Stream.concat(names.stream(), Stream.of(HttpHeaders.AUTHORIZATION, HttpHeaders.COOKIE)).toList(),
				hygiene.prefixes());
		this.grpcTrailers = hygiene.grpcTrailers();
	}

	/**
	 * The headers to send downstream: {@code input} without any identity (or other removed) header the client sent,
	 * plus those of {@code identity} when there is one. {@code input} is not changed; it is returned as it is when
	 * there is nothing to remove or add.
	 * @param identity the authorized identity, or {@code null} (a public route, a refusal in shadow mode)
	 */
	public HttpHeaders forDownstream(HttpHeaders input, @Nullable Identity identity) {
		return forDownstream(input, identity, false);
	}

	/**
	 * As {@link #forDownstream(HttpHeaders, Identity)}, and without the client's {@code Authorization} and
	 * {@code Cookie} headers (in any letter case) when {@code withholdCredentials}.
	 */
	public HttpHeaders forDownstream(HttpHeaders input, @Nullable Identity identity, boolean withholdCredentials) {
		RemovedHeaders removed = withholdCredentials ? this.removedWithCredentials : this.removed;
		boolean grpc = this.grpcTrailers && isGrpc(input);
		if (identity == null && !grpc && !removed.anyIn(input)) {
			return input;
		}
		// One pass over the client's headers, copying all but the removed ones (this runs on every proxied request:
		// copying everything first and removing afterwards walked the headers twice).
		HttpHeaders headers = removed.copyWithout(input, 5);
		if (grpc) {
			headers.add(TE, TRAILERS);
		}
		if (identity != null) {
			set(headers, identity);
		}
		return headers;
	}

	/**
	 * As {@link #forDownstream(HttpHeaders, Identity, boolean)} for a request whose headers are still those the
	 * server received, {@code received} being the server's (Netty's) own store of {@code input}. With more than
	 * {@link #MANY_HEADERS} of them the copy is made from that store, in one pass over its entries, and always made:
	 * Spring's view of Netty's headers finds the values of each name by looking it up again, which Netty's store
	 * answers by walking one of its 16 buckets, so that reading many headers through it costs the square of their
	 * number, both here and in Spring Cloud Gateway's routing filter, which reads the headers it is given the same way.
	 */
	public HttpHeaders forDownstream(io.netty.handler.codec.http.HttpHeaders received, HttpHeaders input,
			@Nullable Identity identity, boolean withholdCredentials) {
		if (received.size() <= MANY_HEADERS) {
			return forDownstream(input, identity, withholdCredentials);
		}
		RemovedHeaders removed = withholdCredentials ? this.removedWithCredentials : this.removed;
		HttpHeaders headers = removed.copyWithout(received, 5);
		if (this.grpcTrailers && isGrpc(input)) {
			headers.add(TE, TRAILERS);
		}
		if (identity != null) {
			set(headers, identity);
		}
		return headers;
	}

	private static boolean isGrpc(HttpHeaders headers) {
		return StringUtils.startsWithIgnoreCase(headers.getFirst(HttpHeaders.CONTENT_TYPE), GRPC_CONTENT_TYPE);
	}

	/** Sets the headers for {@code identity} (none of them is in {@code headers} yet); one with no value is left out. */
	private void set(HttpHeaders headers, Identity identity) {
		headers.set(this.userId, identity.userId());
		setIfPresent(headers, this.organizationId, identity.organizationId());
		setIfPresent(headers, this.orgRole, Roles.join(identity.orgRoles()));
		setIfPresent(headers, this.platformRole, Roles.join(identity.platformRoles()));
	}

	private static void setIfPresent(HttpHeaders headers, String name, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			headers.set(name, value);
		}
	}

}
