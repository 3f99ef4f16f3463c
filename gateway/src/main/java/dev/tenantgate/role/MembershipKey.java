package dev.tenantgate.role;

/**
 * A (user, organization) pair. Both ids are validated identifiers, so a key built from them cannot alias another
 * (no delimiter can hide inside an id).
 *
 * @param userId the user id
 * @param organizationId the organization id
 */
public record MembershipKey(String userId, String organizationId) {

	public MembershipKey {
		Identifiers.require(userId, "userId");
		Identifiers.require(organizationId, "organizationId");
	}

}
