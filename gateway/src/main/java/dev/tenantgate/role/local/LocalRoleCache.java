package dev.tenantgate.role.local;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.support.Caches;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: bounded, short-lived, per instance. "Not a member" is kept for a shorter time than a
 * membership, so a user who just joined does not wait long. Each value carries its refresh time ({@link LocalEntry}):
 * a value still in use is read again in the background before it expires.
 * <p>
 * Every invalidation advances a generation. A lookup notes the generation before it reads a lower tier and fills
 * this cache only if no invalidation happened since ({@link #putMembership(MembershipKey, Membership, long)}): a read
 * that raced an invalidation cannot put its old answer back. The check and the put are one atomic step per key.
 */
public final class LocalRoleCache {

	private final Cache<MembershipKey, LocalEntry<Membership>> memberships;

	private final Cache<String, LocalEntry<PlatformUser>> users;

	private final AtomicLong generation = new AtomicLong();

	private final Duration ttl;

	private final Duration negativeTtl;

	private final Ticker ticker;

	public LocalRoleCache(long maximumSize, Duration ttl, Duration negativeTtl) {
		this(maximumSize, ttl, negativeTtl, Ticker.systemTicker());
	}

	/**
	 * @param ticker the time of the deadlines, in nanoseconds ({@link System#nanoTime()} outside tests)
	 */
	public LocalRoleCache(long maximumSize, Duration ttl, Duration negativeTtl, Ticker ticker) {
		this.ttl = ttl;
		this.negativeTtl = negativeTtl;
		this.ticker = ticker;
		this.memberships = Caches.onCallingThread()
			.ticker(ticker)
			.maximumSize(maximumSize)
			.expireAfter(new EntryExpiry<MembershipKey, Membership>())
			.build();
		this.users = Caches.onCallingThread()
			.ticker(ticker)
			.maximumSize(maximumSize)
			.expireAfter(new EntryExpiry<String, PlatformUser>())
			.build();
	}

	/** The generation to pass to the {@code put} methods after a lookup in a lower tier. */
	public long generation() {
		return this.generation.get();
	}

	public @Nullable Membership membership(MembershipKey key) {
		LocalEntry<Membership> entry = membershipEntry(key);
		return (entry != null) ? entry.value() : null;
	}

	/** The membership with its refresh time (see {@link LocalEntry}). */
	public @Nullable LocalEntry<Membership> membershipEntry(MembershipKey key) {
		return this.memberships.getIfPresent(key);
	}

	/**
	 * Whether the caller should read {@code entry}'s value again, in the background: {@code true} once, for the first
	 * caller past its refresh time.
	 */
	public boolean claimRefresh(LocalEntry<?> entry) {
		return entry.claimRefresh(this.ticker.read());
	}

	/** Fills the entry unless an invalidation happened after {@code generation} was read. */
	public void putMembership(MembershipKey key, Membership membership, long generation) {
		putIfCurrent(this.memberships.asMap(), key,
				entry(membership, membership.isMember() ? this.ttl : this.negativeTtl), generation);
	}

	public @Nullable PlatformUser user(String userId) {
		LocalEntry<PlatformUser> entry = userEntry(userId);
		return (entry != null) ? entry.value() : null;
	}

	/** The user with its refresh time (see {@link LocalEntry}). */
	public @Nullable LocalEntry<PlatformUser> userEntry(String userId) {
		return this.users.getIfPresent(userId);
	}

	/** Fills the entry unless an invalidation happened after {@code generation} was read. */
	public void putUser(String userId, PlatformUser user, long generation) {
		putIfCurrent(this.users.asMap(), userId, entry(user, user.exists() ? this.ttl : this.negativeTtl),
				generation);
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

	private <V> LocalEntry<V> entry(V value, Duration ttl) {
		return new LocalEntry<>(value, Caches.jittered(ttl), this.ticker.read());
	}

	private <K, V> void putIfCurrent(ConcurrentMap<K, V> map, K key, V value, long generation) {
		map.compute(key, (k, old) -> (this.generation.get() == generation) ? value : old);
	}

	private <V> @Nullable V advance() {
		this.generation.incrementAndGet();
		return null;
	}

	/**
	 * Every entry lives until its own deadline, whatever happens to the key: a replaced value brings its own, and a
	 * value kept when a put is refused (see {@link #putIfCurrent}) keeps its old one.
	 */
	private static final class EntryExpiry<K, V> implements Expiry<K, LocalEntry<V>> {

		@Override
		public long expireAfterCreate(K key, LocalEntry<V> entry, long currentTime) {
			return entry.nanosLeft(currentTime);
		}

		@Override
		public long expireAfterUpdate(K key, LocalEntry<V> entry, long currentTime, long currentDuration) {
			return entry.nanosLeft(currentTime);
		}

		@Override
		public long expireAfterRead(K key, LocalEntry<V> entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
