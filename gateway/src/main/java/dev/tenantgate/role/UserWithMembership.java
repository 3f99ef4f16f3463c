package dev.tenantgate.role;

import org.jspecify.annotations.Nullable;

/**
 * A user's platform record and their membership in one organization, read together. From the shared tier either may
 * be {@code null} (not held there); from the database both are set.
 *
 * @param user the platform user, {@link PlatformUser#UNKNOWN} when there is no user row
 * @param membership the member roles, {@link Membership#NONE} when there is no member row
 */
public record UserWithMembership(@Nullable PlatformUser user, @Nullable Membership membership) {

	/** Neither is held (the shared tier's miss). */
	public static final UserWithMembership NEITHER = new UserWithMembership(null, null);

}
