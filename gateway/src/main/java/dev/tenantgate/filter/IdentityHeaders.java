package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tenantgate.policy.Identity;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * The trusted identity headers: removed from every client request, whatever their letter case, and set by the
 * gateway only after a request is authorized. Other headers no client may send downstream (the forwarding headers,
 * when no proxy in front is trusted) are removed in the same pass.
 */
public final class IdentityHeaders {

	private final String userId;

	private final String organizationId;

	private final String orgRole;

	private final String platformRole;

	private final Set<String> canonicalNames;

	private final List<String> stripPrefixes;

	private final String firstChars;

	/**
	 * @param userId the user id header, {@code X-User-Id} by default
	 * @param organizationId the tenant header, {@code X-Organization-Id} by default
	 * @param orgRole the member roles header, {@code X-Org-Role} by default
	 * @param platformRole the platform roles header, {@code X-Platform-Role} by default
	 * @param stripNames further header names removed from client requests (e.g. {@code Forwarded})
	 * @param stripPrefixes further header name prefixes removed from client requests (e.g. {@code X-Tenantgate-})
	 */
	public IdentityHeaders(String userId, String organizationId, String orgRole, String platformRole,
			List<String> stripNames, List<String> stripPrefixes) {
		this.userId = userId;
		this.organizationId = organizationId;
		this.orgRole = orgRole;
		this.platformRole = platformRole;
		this.canonicalNames = Stream
			.concat(Stream.of(userId, organizationId, orgRole, platformRole), stripNames.stream())
			.map(IdentityHeaders::canonical)
			.collect(Collectors.toUnmodifiableSet());
		this.stripPrefixes = stripPrefixes.stream().map(IdentityHeaders::canonical).toList();
		StringBuilder first = new StringBuilder();
		Stream.concat(this.canonicalNames.stream(), this.stripPrefixes.stream())
			.filter((name) -> !name.isEmpty())
			.forEach((name) -> first.append(name.charAt(0)));
		this.firstChars = first.toString();
	}

	/**
	 * The headers to send downstream: {@code input} without any identity (or other stripped) header the client sent,
	 * plus those of {@code identity} when there is one. {@code input} is not changed; it is returned as it is when
	 * there is nothing to remove or add.
	 * @param identity the authorized identity, or {@code null} (a public route, a refusal in shadow mode)
	 */
	public HttpHeaders forDownstream(HttpHeaders input, @Nullable Identity identity) {
		if (identity == null && !containsIdentityHeader(input)) {
			return input;
		}
		// One pass over the client's headers, copying all but the identity headers (this runs on every proxied
		// request: copying everything first and removing afterwards walked the headers twice). It walks the backing
		// map's own entries: headerSet() first builds a case-insensitive set of every name, lowercasing each, and
		// looks each value up again. A backing store that keeps names as spelled (Netty's) lists a name once per
		// spelling, each time with all its values; the case-insensitive copy keeps the first.
		// Connection, and every header it names, are the client's connection-specific headers (RFC 9110, 7.6.1),
		// which a proxy removes. They go here, before the identity headers are set: the gateway's hop-by-hop filter,
		// which runs after this one, removes what Connection names, and would otherwise remove a trusted identity
		// header that the client named there.
		List<String> connectionOptions = connectionOptions(input);
		LinkedCaseInsensitiveMap<List<String>> copy = new LinkedCaseInsensitiveMap<>(input.size() + 4, Locale.ROOT);
		for (Map.Entry<String, List<String>> header : input.asMultiValueMap().entrySet()) {
			String name = header.getKey();
			if (!isIdentityHeaderName(name) && !name.equalsIgnoreCase(HttpHeaders.CONNECTION)
					&& !containsIgnoringCase(connectionOptions, name)) {
				copy.putIfAbsent(name, new ArrayList<>(header.getValue()));
			}
		}
		HttpHeaders headers = new HttpHeaders(CollectionUtils.toMultiValueMap(copy));
		if (identity != null) {
			set(headers, identity);
		}
		return headers;
	}

	/** The header names listed in the client's {@code Connection} headers (most often one: {@code keep-alive}). */
	private static List<String> connectionOptions(HttpHeaders headers) {
		List<String> connection = headers.get(HttpHeaders.CONNECTION);
		if (connection == null || connection.isEmpty()) {
			return List.of();
		}
		List<String> options = new ArrayList<>(2);
		for (String value : connection) {
			for (String option : value.split(",")) {
				options.add(option.trim());
			}
		}
		return options;
	}

	/** Compared one by one: a header name is not lowercased (a new string) for each of the client's headers. */
	private static boolean containsIgnoringCase(List<String> names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private boolean containsIdentityHeader(HttpHeaders headers) {
		for (String name : headers.asMultiValueMap().keySet()) {
			if (isIdentityHeaderName(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code name} is an identity header or has a configured prefix, compared case-insensitively and reading
	 * {@code _} as {@code -}: servers that read headers CGI-style ({@code HTTP_X_USER_ID}) cannot tell
	 * {@code X_User_Id} from {@code X-User-Id}.
	 */
	private boolean isIdentityHeaderName(String name) {
		// Cheap first test: most header names cannot be an identity header (lowercasing each costs).
		return !name.isEmpty() && this.firstChars.indexOf(Character.toLowerCase(name.charAt(0))) >= 0
				&& isIdentityHeader(canonical(name));
	}

	/** Sets the headers for {@code identity} (none of them is in {@code headers} yet); one with no value is left out. */
	private void set(HttpHeaders headers, Identity identity) {
		headers.set(this.userId, identity.userId());
		setIfPresent(headers, this.organizationId, identity.organizationId());
		setIfPresent(headers, this.orgRole, Roles.join(identity.orgRoles()));
		setIfPresent(headers, this.platformRole, Roles.join(identity.platformRoles()));
	}

	private boolean isIdentityHeader(String canonicalName) {
		if (this.canonicalNames.contains(canonicalName)) {
			return true;
		}
		for (String prefix : this.stripPrefixes) {
			if (canonicalName.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static String canonical(String name) {
		return name.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static void setIfPresent(HttpHeaders headers, String name, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			headers.set(name, value);
		}
	}

}
