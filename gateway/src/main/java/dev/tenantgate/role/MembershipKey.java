package dev.tenantgate.role;

import dev.tenantgate.trust.ChangeKey;

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

	/** The change to this membership. */
	public ChangeKey.Member change() {
		return new ChangeKey.Member(this.userId, this.organizationId);
	}

	/** The change to every membership of the organization (its deletion). */
	public ChangeKey.Organization organizationChange() {
		return new ChangeKey.Organization(this.organizationId);
	}

}
