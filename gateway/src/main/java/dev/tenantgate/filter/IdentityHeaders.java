package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tenantgate.policy.Identity;
import dev.tenantgate.role.Roles;
import org.springframework.http.HttpHeaders;

/**
 * The trusted identity headers: removed from every client request, whatever their letter case, and set by the
 * gateway only after a request is authorized.
 *
 * @param userId the user id header, {@code X-User-Id} by default
 * @param organizationId the tenant header, {@code X-Organization-Id} by default
 * @param orgRole the member roles header, {@code X-Org-Role} by default
 * @param platformRole the platform roles header, {@code X-Platform-Role} by default
 * @param stripPrefixes further header name prefixes removed from client requests (e.g. {@code X-Tenantgate-})
 */
public record IdentityHeaders(String userId, String organizationId, String orgRole, String platformRole,
		List<String> stripPrefixes) {

	public IdentityHeaders {
		stripPrefixes = stripPrefixes.stream().map((prefix) -> prefix.toLowerCase(Locale.ROOT)).toList();
	}

	/** Removes every identity header and every header with a configured prefix. */
	public void strip(HttpHeaders headers) {
		headers.remove(this.userId);
		headers.remove(this.organizationId);
		headers.remove(this.orgRole);
		headers.remove(this.platformRole);
		if (this.stripPrefixes.isEmpty()) {
			return;
		}
		List<String> prefixed = new ArrayList<>();
		for (String name : headers.headerNames()) {
			String lower = name.toLowerCase(Locale.ROOT);
			for (String prefix : this.stripPrefixes) {
				if (lower.startsWith(prefix)) {
					prefixed.add(name);
				}
			}
		}
		prefixed.forEach(headers::remove);
	}

	/** Sets the headers for {@code identity}; a header with no value is left out. */
	public void set(HttpHeaders headers, Identity identity) {
		headers.set(this.userId, identity.userId());
		setOrRemove(headers, this.organizationId, identity.organizationId());
		setOrRemove(headers, this.orgRole, Roles.join(identity.orgRoles()));
		setOrRemove(headers, this.platformRole, Roles.join(identity.platformRoles()));
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
