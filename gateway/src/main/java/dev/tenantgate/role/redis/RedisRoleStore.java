package dev.tenantgate.role.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.SharedRead;
import dev.tenantgate.role.SharedRoleStore;
import dev.tenantgate.trust.ChangeKey;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The shared tier: Redis entries {@code perm:<userId>:<orgId>} (member roles) and {@code perm-user:<userId>}
 * (platform role and ban), shared by every gateway instance, each read with the change times of its keys (whether
 * it still counts is the trust model's decision). A value that does not decode is treated as a miss.
 * <p>
 * A fill is conditional: it is written only if no change was recorded for the entry since just before the database
 * read that produced it (minus a clock tolerance between instances). An instance whose read raced an invalidation
 * cannot write the old answer back after another instance dropped it.
 */
public final class RedisRoleStore implements SharedRoleStore {

	// Fills entries that no change made stale. KEYS: each entry, followed by its change-time keys. ARGV[1]: the read's
	// start in ms, minus the clock tolerance; then for each entry: its number of keys (itself and its change-time
	// keys), its value and its TTL in ms. Returns a bit for each entry written: 1 for the first, 2 for the second.
	private static final RedisScript<Long> FILL_IF_UNCHANGED = RedisScript.of("""
			local written, bit, k = 0, 1, 1
			for a = 2, #ARGV, 3 do
			  local count = tonumber(ARGV[a])
			  local unchanged = true
			  for i = k + 1, k + count - 1 do
			    if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[1]) then unchanged = false end
			  end
			  if unchanged then
			    redis.call('SET', KEYS[k], ARGV[a + 1], 'PX', ARGV[a + 2])
			    written = written + bit
			  end
			  bit = bit * 2
			  k = k + count
			end
			return written
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeys keys;

	private final Duration ttl;

	private final Duration negativeTtl;

	private final Duration clockTolerance;

	public RedisRoleStore(ReactiveStringRedisTemplate redis, RedisKeys keys, Duration ttl, Duration negativeTtl,
			Duration clockTolerance) {
		this.redis = redis;
		this.keys = keys;
		this.ttl = ttl;
		this.negativeTtl = negativeTtl;
		this.clockTolerance = clockTolerance;
	}

	/** The entry with the change times of the membership and its organization, in one MGET. */
	@Override
	public Mono<SharedRead<Membership>> membership(MembershipKey key) {
		return read(List.of(this.keys.membership(key), this.keys.change(key.change()),
				this.keys.change(key.organizationChange())), RoleValueCodec::decodeMembership);
	}

	/** The entry with the change time of the user, in one MGET. */
	@Override
	public Mono<SharedRead<PlatformUser>> user(String userId) {
		return read(List.of(this.keys.user(userId), this.keys.change(new ChangeKey.User(userId))),
				RoleValueCodec::decodeUser);
	}

	/**
	 * One MGET of the entry ({@code keys[0]}) and its change times (the rest): one round trip instead of one per key.
	 * Like the fill script, it expects a single Redis server (not a Cluster, where these keys hash to other slots).
	 */
	private <T> Mono<SharedRead<T>> read(List<String> keys, Function<String, @Nullable T> decoder) {
		return RedisDispatch.offEventLoop(this.redis.opsForValue().multiGet(keys)).map((values) -> {
			String entry = values.get(0);
			T value = (entry != null) ? decoder.apply(entry) : null;
			long stamp = (value != null) ? RoleValueCodec.stamp(entry) : 0;
			return new SharedRead<>(value, stamp, time(values, 1), time(values, 2));
		});
	}

	private static long time(List<String> values, int index) {
		String value = (index < values.size()) ? values.get(index) : null;
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			// Not a time this gateway wrote: treat the entry as changed now, so it does not count.
			return Long.MAX_VALUE / 2;
		}
	}

	/** Writes {@code membership} unless the membership or its organization changed since {@code readStartedAt}. */
	@Override
	public Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt) {
		Fills fill = new Fills(readStartedAt);
		fill.add(RoleValueCodec.encode(membership, readStartedAt), membership.isMember() ? this.ttl : this.negativeTtl,
				this.keys.membership(key), this.keys.change(key.change()),
				this.keys.change(key.organizationChange()));
		return fill(fill).map((written) -> written == 1L);
	}

	/** Writes {@code user} unless the user changed since {@code readStartedAt}. */
	@Override
	public Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt) {
		Fills fill = new Fills(readStartedAt);
		fill.add(RoleValueCodec.encode(user, readStartedAt), user.exists() ? this.ttl : this.negativeTtl,
				this.keys.user(userId), this.keys.change(new ChangeKey.User(userId)));
		return fill(fill).map((written) -> written == 1L);
	}

	@Override
	public Mono<Long> evictMembership(MembershipKey key) {
		return RedisDispatch.offEventLoop(this.redis.delete(this.keys.membership(key)));
	}

	/** Drops every member-role entry of the organization (a SCAN: organizations are deleted rarely). */
	@Override
	public Mono<Long> evictOrganization(String organizationId) {
		ScanOptions scan = ScanOptions.scanOptions().match(this.keys.membershipsOf(organizationId)).count(1000).build();
		return RedisDispatch.offEventLoop(this.redis.delete(this.redis.scan(scan)));
	}

	@Override
	public Mono<Long> evictUser(String userId) {
		return RedisDispatch.offEventLoop(this.redis.delete(this.keys.user(userId)));
	}

	private Mono<Long> fill(Fills fill) {
		return RedisDispatch.offEventLoop(this.redis.execute(FILL_IF_UNCHANGED, fill.keys, fill.args).next());
	}

	/** The keys and arguments of one {@code FILL_IF_UNCHANGED} call. */
	private final class Fills {

		final List<String> keys = new ArrayList<>(5);

		final List<String> args = new ArrayList<>(7);

		Fills(long readStartedAt) {
			this.args.add(Long.toString(readStartedAt - RedisRoleStore.this.clockTolerance.toMillis()));
		}

		/** An entry with its value and expiry, and the change-time keys that must not have moved. */
		void add(String value, Duration expiry, String entry, String... changeKeys) {
			this.keys.add(entry);
			this.keys.addAll(List.of(changeKeys));
			this.args.add(Integer.toString(1 + changeKeys.length));
			this.args.add(value);
			this.args.add(Long.toString(expiry.toMillis()));
		}

	}

}
