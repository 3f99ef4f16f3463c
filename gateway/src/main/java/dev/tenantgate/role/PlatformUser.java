package dev.tenantgate.role;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The admin plugin's view of a user: platform roles and ban state.
 *
 * @param exists whether the user row exists at all
 * @param roles the platform roles ({@code user}, {@code admin}, {@code superadmin}, ...)
 * @param banned the {@code banned} flag
 * @param banExpires when the ban ends; {@code null} means never
 */
public record PlatformUser(boolean exists, Set<String> roles, boolean banned, @Nullable Instant banExpires) {

	/** No such user (deleted after the token was issued). */
	public static final PlatformUser UNKNOWN = new PlatformUser(false, Set.of(), false, null);

	public PlatformUser {
		roles = Roles.copyOf(roles);
	}

	/** Whether the user may not use the platform at {@code now}: unknown, or banned with no expiry or a future one. */
	public boolean isLockedOut(Instant now) {
		return !this.exists || (this.banned && (this.banExpires == null || now.isBefore(this.banExpires)));
	}

}
