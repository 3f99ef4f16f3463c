package dev.tenantgate.role;

import java.time.Duration;

import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.role.redis.RedisRoleStore;
import reactor.core.publisher.Mono;

/**
 * Resolves member roles and platform users through the three tiers: in-process cache → Redis → PostgreSQL.
 */
public final class RoleResolver {

	private final TieredLookup<MembershipKey, Membership> memberships;

	private final TieredLookup<String, PlatformUser> users;

	public RoleResolver(LocalRoleCache local, RedisRoleStore redis, BetterAuthRepository database,
			Duration redisTimeout, Duration databaseTimeout) {
		this.memberships = new TieredLookup<>("membership", local::membership, local::putMembership,
				redis::membership, redis::putMembership, database::membership, redisTimeout, databaseTimeout);
		this.users = new TieredLookup<>("platform user", local::user, local::putUser, redis::user, redis::putUser,
				database::user, redisTimeout, databaseTimeout);
	}

	/** The user's member roles in the organization ({@link Membership#NONE} when not a member). */
	public Mono<Membership> membership(MembershipKey key) {
		return this.memberships.get(key);
	}

	/** The user's platform roles and ban state ({@link PlatformUser#UNKNOWN} when the user does not exist). */
	public Mono<PlatformUser> user(String userId) {
		return this.users.get(userId);
	}

}
