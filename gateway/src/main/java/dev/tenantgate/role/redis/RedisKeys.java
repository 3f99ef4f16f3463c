package dev.tenantgate.role.redis;

import dev.tenantgate.role.Identifiers;
import dev.tenantgate.role.MembershipKey;

/**
 * Builds Redis keys from validated ids only.
 *
 * @param membershipPrefix prefix of member-role keys, {@code perm:} by default: {@code perm:<userId>:<orgId>}
 * @param userPrefix prefix of platform-user keys, {@code perm-user:} by default
 */
public record RedisKeys(String membershipPrefix, String userPrefix) {

	public RedisKeys {
		if (membershipPrefix.equals(userPrefix) || membershipPrefix.startsWith(userPrefix)
				|| userPrefix.startsWith(membershipPrefix)) {
			throw new IllegalArgumentException("Redis key prefixes must not overlap, but were '" + membershipPrefix
					+ "' and '" + userPrefix + "'");
		}
	}

	public String membership(MembershipKey key) {
		return this.membershipPrefix + key.userId() + ":" + key.organizationId();
	}

	public String user(String userId) {
		if (!Identifiers.isValid(userId)) {
			throw new IllegalArgumentException("userId is not a valid identifier");
		}
		return this.userPrefix + userId;
	}

}
