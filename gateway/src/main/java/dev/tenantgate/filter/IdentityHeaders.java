package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.tenantgate.policy.Identity;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * The trusted identity headers: removed from every client request, whatever their letter case, and set by the
 * gateway only after a request is authorized.
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
	 * @param stripPrefixes further header name prefixes removed from client requests (e.g. {@code X-Tenantgate-})
	 */
	public IdentityHeaders(String userId, String organizationId, String orgRole, String platformRole,
			List<String> stripPrefixes) {
		this.userId = userId;
		this.organizationId = organizationId;
		this.orgRole = orgRole;
		this.platformRole = platformRole;
		this.canonicalNames = Set.of(canonical(userId), canonical(organizationId), canonical(orgRole),
				canonical(platformRole));
		this.stripPrefixes = stripPrefixes.stream().map(IdentityHeaders::canonical).toList();
		StringBuilder first = new StringBuilder();
		java.util.stream.Stream.concat(this.canonicalNames.stream(), this.stripPrefixes.stream())
			.filter((name) -> !name.isEmpty())
			.forEach((name) -> first.append(name.charAt(0)));
		this.firstChars = first.toString();
	}

	/**
	 * The headers to send downstream: {@code input} without any identity header the client sent, plus those of
	 * {@code identity} when there is one. {@code input} is not changed; it is returned as it is when there is nothing
	 * to remove or add.
	 * @param identity the authorized identity, or {@code null} (a public route, a refusal in shadow mode)
	 */
	public HttpHeaders forDownstream(HttpHeaders input, @Nullable Identity identity) {
		List<String> clientSent = identityHeaderNames(input);
		if (clientSent.isEmpty() && identity == null) {
			return input;
		}
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(input);
		clientSent.forEach(headers::remove);
		if (identity != null) {
			set(headers, identity);
		}
		return headers;
	}

	/**
	 * The names of every identity header and every header with a configured prefix, compared case-insensitively and
	 * reading {@code _} as {@code -}: servers that read headers CGI-style ({@code HTTP_X_USER_ID}) cannot tell
	 * {@code X_User_Id} from {@code X-User-Id}.
	 */
	private List<String> identityHeaderNames(HttpHeaders headers) {
		List<String> names = null;
		for (String name : headers.headerNames()) {
			// Cheap first test: most header names cannot be an identity header (lowercasing each costs).
			if (!name.isEmpty() && this.firstChars.indexOf(Character.toLowerCase(name.charAt(0))) >= 0
					&& isIdentityHeader(canonical(name))) {
				if (names == null) {
					names = new ArrayList<>(2);
				}
				names.add(name);
			}
		}
		return (names != null) ? names : List.of();
	}

	/** Sets the headers for {@code identity}; a header with no value is left out. */
	private void set(HttpHeaders headers, Identity identity) {
		headers.set(this.userId, identity.userId());
		setOrRemove(headers, this.organizationId, identity.organizationId());
		setOrRemove(headers, this.orgRole, Roles.join(identity.orgRoles()));
		setOrRemove(headers, this.platformRole, Roles.join(identity.platformRoles()));
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

	private static void setOrRemove(HttpHeaders headers, String name, String value) {
		if (value == null || value.isEmpty()) {
			headers.remove(name);
		}
		else {
			headers.set(name, value);
		}
	}

}
