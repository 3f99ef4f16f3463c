package dev.tenantgate.role.local;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.support.Caches;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: bounded, short-lived, per instance. "Not a member" is kept for a shorter time than a
 * membership, so a user who just joined does not wait long.
 * <p>
 * Every invalidation advances a generation. A lookup notes the generation before it reads a lower tier and fills
 * this cache only if no invalidation happened since ({@link #putMembership(MembershipKey, Membership, long)}): a read
 * that raced an invalidation cannot put its old answer back. The check and the put are one atomic step per key.
 */
public final class LocalRoleCache {

	private final Cache<MembershipKey, Membership> memberships;

	private final Cache<String, PlatformUser> users;

	private final AtomicLong generation = new AtomicLong();

	public LocalRoleCache(long maximumSize, Duration ttl, Duration negativeTtl) {
		this.memberships = Caches.onCallingThread()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<MembershipKey, Membership>creating(
					(key, membership) -> Caches.jittered(membership.isMember() ? ttl : negativeTtl)))
			.build();
		this.users = Caches.onCallingThread()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<String, PlatformUser>creating(
					(key, user) -> Caches.jittered(user.exists() ? ttl : negativeTtl)))
			.build();
	}

	/** The generation to pass to the {@code put} methods after a lookup in a lower tier. */
	public long generation() {
		return this.generation.get();
	}

	public @Nullable Membership membership(MembershipKey key) {
		return this.memberships.getIfPresent(key);
	}

	/** Fills the entry unless an invalidation happened after {@code generation} was read. */
	public void putMembership(MembershipKey key, Membership membership, long generation) {
		putIfCurrent(this.memberships.asMap(), key, membership, generation);
	}

	public @Nullable PlatformUser user(String userId) {
		return this.users.getIfPresent(userId);
	}

	/** Fills the entry unless an invalidation happened after {@code generation} was read. */
	public void putUser(String userId, PlatformUser user, long generation) {
		putIfCurrent(this.users.asMap(), userId, user, generation);
	}

	public void evictMembership(MembershipKey key) {
		this.memberships.asMap().compute(key, (k, old) -> advance());
	}

	public void evictMemberships(String organizationId) {
		this.generation.incrementAndGet();
		this.memberships.asMap().keySet().removeIf((key) -> key.organizationId().equals(organizationId));
	}

	public void evictUser(String userId) {
		this.users.asMap().compute(userId, (k, old) -> advance());
	}

	public void evictAll() {
		this.generation.incrementAndGet();
		this.memberships.invalidateAll();
		this.users.invalidateAll();
	}

	public long membershipCount() {
		this.memberships.cleanUp();
		return this.memberships.estimatedSize();
	}

	private <K, V> void putIfCurrent(ConcurrentMap<K, V> map, K key, V value, long generation) {
		map.compute(key, (k, old) -> (this.generation.get() == generation) ? value : old);
	}

	private <V> @Nullable V advance() {
		this.generation.incrementAndGet();
		return null;
	}

}
