package dev.tenantgate.role.redis;

import java.time.Duration;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * The shared tier: Redis entries {@code perm:<userId>:<orgId>} (member roles) and {@code perm-user:<userId>}
 * (platform role and ban), shared by every gateway instance. A value that does not decode is treated as a miss.
 */
public final class RedisRoleStore {

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration ttl;

	private final Duration negativeTtl;

	public RedisRoleStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration ttl, Duration negativeTtl) {
		this.redis = redis;
		this.keys = keys;
		this.ttl = ttl;
		this.negativeTtl = negativeTtl;
	}

	public Mono<Membership> membership(MembershipKey key) {
		return this.redis.opsForValue().get(this.keys.membership(key)).mapNotNull(RoleValueCodec::decodeMembership);
	}

	public Mono<Boolean> putMembership(MembershipKey key, Membership membership) {
		Duration expiry = membership.isMember() ? this.ttl : this.negativeTtl;
		return this.redis.opsForValue().set(this.keys.membership(key), RoleValueCodec.encode(membership), expiry);
	}

	public Mono<PlatformUser> user(String userId) {
		return this.redis.opsForValue().get(this.keys.user(userId)).mapNotNull(RoleValueCodec::decodeUser);
	}

	public Mono<Boolean> putUser(String userId, PlatformUser user) {
		Duration expiry = user.exists() ? this.ttl : this.negativeTtl;
		return this.redis.opsForValue().set(this.keys.user(userId), RoleValueCodec.encode(user), expiry);
	}

	public Mono<Long> evictMembership(MembershipKey key) {
		return this.redis.delete(this.keys.membership(key));
	}

	public Mono<Long> evictUser(String userId) {
		return this.redis.delete(this.keys.user(userId));
	}

}
