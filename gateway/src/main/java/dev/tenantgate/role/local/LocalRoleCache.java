package dev.tenantgate.role.local;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: bounded, short-lived, per instance. "Not a member" is kept for a shorter time than a
 * membership, so a user who just joined does not wait long.
 */
public final class LocalRoleCache {

	private final Cache<MembershipKey, Membership> memberships;

	private final Cache<String, PlatformUser> users;

	public LocalRoleCache(long maximumSize, Duration ttl, Duration negativeTtl) {
		this.memberships = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<MembershipKey, Membership>creating(
					(key, membership) -> membership.isMember() ? ttl : negativeTtl))
			.build();
		this.users = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).build();
	}

	public @Nullable Membership membership(MembershipKey key) {
		return this.memberships.getIfPresent(key);
	}

	public void putMembership(MembershipKey key, Membership membership) {
		this.memberships.put(key, membership);
	}

	public @Nullable PlatformUser user(String userId) {
		return this.users.getIfPresent(userId);
	}

	public void putUser(String userId, PlatformUser user) {
		this.users.put(userId, user);
	}

	public void evictMembership(MembershipKey key) {
		this.memberships.invalidate(key);
	}

	public void evictMemberships(String organizationId) {
		this.memberships.asMap().keySet().removeIf((key) -> key.organizationId().equals(organizationId));
	}

	public void evictUser(String userId) {
		this.users.invalidate(userId);
		this.memberships.asMap().keySet().removeIf((key) -> key.userId().equals(userId));
	}

	public void evictAll() {
		this.memberships.invalidateAll();
		this.users.invalidateAll();
	}

	public long membershipCount() {
		this.memberships.cleanUp();
		return this.memberships.estimatedSize();
	}

}
