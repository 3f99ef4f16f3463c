package dev.tenantgate.role.redis;

import java.time.Instant;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;

/**
 * The string forms of the Redis values. A membership is its comma-separated roles, or {@code -} for "not a member"
 * (the same form Better Auth stores, so an operator can read it with {@code redis-cli}). A platform user is
 * {@code roles|banned|banExpiresEpochMillis}, or {@code -} for an unknown user.
 */
final class RoleValueCodec {

	private static final String NONE = "-";

	private RoleValueCodec() {
	}

	static String encode(Membership membership) {
		return membership.isMember() ? Roles.join(membership.roles()) : NONE;
	}

	static @Nullable Membership decodeMembership(String value) {
		if (NONE.equals(value)) {
			return Membership.NONE;
		}
		Membership membership = Membership.of(value);
		return membership.isMember() ? membership : null;
	}

	static String encode(PlatformUser user) {
		if (!user.exists()) {
			return NONE;
		}
		String expires = (user.banExpires() != null) ? Long.toString(user.banExpires().toEpochMilli()) : "";
		return Roles.join(user.roles()) + "|" + (user.banned() ? "1" : "0") + "|" + expires;
	}

	static @Nullable PlatformUser decodeUser(String value) {
		if (NONE.equals(value)) {
			return PlatformUser.UNKNOWN;
		}
		String[] parts = value.split("\\|", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			Instant expires = parts[2].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(parts[2]));
			return new PlatformUser(true, Roles.parse(parts[0]), "1".equals(parts[1]), expires);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
