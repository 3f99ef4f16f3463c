package dev.tenantgate.policy;

import java.util.Set;

import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;

/**
 * Who the request is for, once authorized: what the downstream receives in the trusted identity headers.
 *
 * @param userId the user id
 * @param organizationId the tenant of the request, or {@code null} on a route that is not tenant-scoped
 * @param orgRoles the member roles in that tenant, empty when access came from a platform role
 * @param platformRoles the platform roles
 */
public record Identity(String userId, @Nullable String organizationId, Set<String> orgRoles,
		Set<String> platformRoles) {

	public Identity {
		orgRoles = Roles.copyOf(orgRoles);
		platformRoles = Roles.copyOf(platformRoles);
	}

}
