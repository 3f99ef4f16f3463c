package dev.tenantgate.role.redis;

import java.util.List;

import dev.tenantgate.role.Identifiers;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.trust.ChangeKey;

/**
 * Builds Redis keys from validated ids only, so no id can alias another key.
 *
 * @param membershipPrefix prefix of member-role keys, {@code perm:} by default: {@code perm:<userId>:<orgId>}
 * @param userPrefix prefix of platform-user keys, {@code perm-user:} by default
 * @param changePrefix prefix of change-time keys, {@code perm-chg:} by default
 */
public record RedisKeys(String membershipPrefix, String userPrefix, String changePrefix) {

	public RedisKeys {
		List<String> prefixes = List.of(membershipPrefix, userPrefix, changePrefix);
		for (String a : prefixes) {
			for (String b : prefixes) {
				if (a != b && (a.startsWith(b) || b.startsWith(a))) {
					throw new IllegalArgumentException("Redis key prefixes must not overlap, but were " + prefixes);
				}
			}
		}
	}

	public String membership(MembershipKey key) {
		return this.membershipPrefix + key.userId() + ":" + key.organizationId();
	}

	/** The pattern matching every member-role key of {@code organizationId}. */
	public String membershipsOf(String organizationId) {
		return this.membershipPrefix + "*:" + valid(organizationId);
	}

	public String user(String userId) {
		return this.userPrefix + valid(userId);
	}

	/**
	 * The key of a change time: {@code <prefix>m:<userId>:<orgId>} (a membership), {@code <prefix>o:<orgId>} (an
	 * organization's deletion), {@code <prefix>u:<userId>} (a user's platform role or ban).
	 */
	public String change(ChangeKey key) {
		if (key instanceof ChangeKey.Member member) {
			return this.changePrefix + "m:" + valid(member.userId()) + ":" + valid(member.organizationId());
		}
		if (key instanceof ChangeKey.Organization organization) {
			return this.changePrefix + "o:" + valid(organization.organizationId());
		}
		return this.changePrefix + "u:" + valid(((ChangeKey.User) key).userId());
	}

	private static String valid(String id) {
		if (!Identifiers.isValid(id)) {
			throw new IllegalArgumentException("not a valid identifier");
		}
		return id;
	}

}
