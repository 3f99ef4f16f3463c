package dev.tenantgate.role.redis;

import java.time.Instant;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;

/**
 * The string forms of the Redis values. A membership is its comma-separated roles, or {@code -} for "not a member"
 * (the same form Better Auth stores, so an operator can read it with {@code redis-cli}). A platform user is
 * {@code roles|banned|banExpiresEpochMillis}, or {@code -} for an unknown user. Each value ends with
 * {@code @<epoch millis>}, when the database read that produced it began (not when it was written: a read that
 * began before a gap in events may finish after it), so an instance that missed events can tell old entries from new.
 */
final class RoleValueCodec {

	private static final String NONE = "-";

	private RoleValueCodec() {
	}

	static String encode(Membership membership, long writtenAt) {
		return (membership.isMember() ? Roles.join(membership.roles()) : NONE) + "@" + writtenAt;
	}

	static String encode(PlatformUser user, long writtenAt) {
		if (!user.exists()) {
			return NONE + "@" + writtenAt;
		}
		String expires = (user.banExpires() != null) ? Long.toString(user.banExpires().toEpochMilli()) : "";
		return Roles.join(user.roles()) + "|" + (user.banned() ? "1" : "0") + "|" + expires + "@" + writtenAt;
	}

	/** When the read that produced {@code stamped} began; -1 when the value is malformed. */
	static long stamp(String stamped) {
		int at = stamped.lastIndexOf('@');
		if (at < 0) {
			return -1;
		}
		try {
			return Long.parseLong(stamped.substring(at + 1));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** The membership, or {@code null} when the value is malformed. */
	static @Nullable Membership decodeMembership(String stamped) {
		String value = payload(stamped);
		if (value == null) {
			return null;
		}
		if (NONE.equals(value)) {
			return Membership.NONE;
		}
		Membership membership = Membership.of(value);
		return membership.isMember() ? membership : null;
	}

	/** The user, or {@code null} when the value is malformed. */
	static @Nullable PlatformUser decodeUser(String stamped) {
		String value = payload(stamped);
		if (value == null) {
			return null;
		}
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

	private static @Nullable String payload(String stamped) {
		return (stamp(stamped) >= 0) ? stamped.substring(0, stamped.lastIndexOf('@')) : null;
	}

}
