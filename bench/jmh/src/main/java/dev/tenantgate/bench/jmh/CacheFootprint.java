package dev.tenantgate.bench.jmh;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.CacheSettings;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.SharedRead;
import dev.tenantgate.role.SharedRoleStore;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.token.VerifiedToken;
import dev.tenantgate.token.VerifiedTokenCache;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.InProcessChangeTimes;
import dev.tenantgate.trust.TrustModel;
import io.r2dbc.spi.ConnectionFactories;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The heap held by the in-process caches at their default bound of 100,000 entries each: memberships and users (the
 * in-process tier of a {@link RoleResolver}, filled through its own loads from a shared tier that answers every key),
 * verified tokens ({@link VerifiedTokenCache}), and a cache shaped like the trust model's mirror of change times read
 * from Redis ({@link ChangeKey} keys, long values). Each figure is the growth of the used heap after full collections
 * (run with {@code -XX:+UseSerialGC}, so "used" is exactly the live objects).
 * <p>
 * Every id and role is a distinct {@code String}, as when each comes from its own database row or token, so the
 * figures are an upper bound: in the gateway a membership key shares its user id with the cached token.
 */
public final class CacheFootprint {

	private static final int ENTRIES = 100_000;

	private static final String[] ROLES = { "owner", "admin", "staff", "viewer" };

	private CacheFootprint() {
	}

	public static void main(String[] args) {
		Duration longTtl = Duration.ofHours(1);
		long start = usedAfterGc();

		RoleResolver roles = resolver(longTtl);
		for (int i = 0; i < ENTRIES; i++) {
			MembershipKey key = new MembershipKey(fresh(BenchTokens.id("user", i)), fresh(BenchTokens.id("org", i % 1000)));
			roles.membership(key, null, null, new ResolutionTrace()).block();
		}
		long memberships = usedAfterGc();
		for (int i = 0; i < ENTRIES; i++) {
			roles.user(fresh(BenchTokens.id("user", i)), new ResolutionTrace()).block();
		}
		long users = usedAfterGc();

		VerifiedTokenCache tokens = new VerifiedTokenCache(ENTRIES, longTtl, Clock.systemUTC());
		Instant now = Instant.now();
		BenchTokens signer = new BenchTokens();
		String template = signer.eddsa(BenchTokens.id("user", 0), BenchTokens.id("org", 0), "admin");
		signer.close();
		for (int i = 0; i < ENTRIES; i++) {
			// The cache keys tokens by their SHA-256: only the token's length matters, not its signature.
			String token = template.substring(0, template.length() - 12) + String.format("%012d", i);
			tokens.put(token, new VerifiedToken(fresh(BenchTokens.id("user", i)), fresh(BenchTokens.id("org", i % 1000)),
					fresh(ROLES[i % ROLES.length]), fresh("user"), now, now.plusSeconds(900)));
		}
		long verified = usedAfterGc();

		Cache<ChangeKey, Long> mirror = Caffeine.newBuilder().maximumSize(ENTRIES).expireAfterWrite(longTtl).build();
		for (int i = 0; i < ENTRIES; i++) {
			mirror.put(new ChangeKey.Member(fresh(BenchTokens.id("user", i)), fresh(BenchTokens.id("org", i % 1000))),
					0L);
		}
		long changes = usedAfterGc();

		// The caches are used here, after the last measurement, so each stays reachable through every one of them.
		System.out.printf("entries held: %d memberships, %d tokens, %d change times%n", roles.heldMemberships(),
				tokens.size(), mirror.estimatedSize());
		print("100,000 memberships (RoleResolver, in-process)", memberships - start);
		print("100,000 users (RoleResolver, in-process)", users - memberships);
		print("100,000 verified tokens (VerifiedTokenCache)", verified - users);
		print("100,000 change times (a cache shaped like the mirror)", changes - verified);
		total("memberships + tokens (the issue's target: <= 256 MB)", (memberships - start) + (verified - users));
		total("all four", changes - start);
	}

	/**
	 * A resolver whose shared tier answers every key (a member with one role, an existing user), so its in-process
	 * tier fills without a database; it learns no change times, so the figures are the tier's alone.
	 */
	private static RoleResolver resolver(Duration ttl) {
		TrustModel trust = new TrustModel(new InProcessChangeTimes(ttl, ENTRIES), Clock.systemUTC(), Duration.ofSeconds(1),
				Duration.ofSeconds(30), ttl, 0);
		DependencyGuard guard = DependencyGuard.of("footprint",
				new DependencyGuard.Settings(Duration.ofSeconds(5), 100, 1000, Duration.ofSeconds(1), Duration.ofSeconds(1), 0,
						Duration.ZERO));
		// Never connected: every answer comes from the shared tier.
		BetterAuthRepository database = new BetterAuthRepository(
				DatabaseClient.create(ConnectionFactories.get("r2dbc:postgresql://unused@127.0.0.1:1/unused")),
				SchemaPreset.PLURAL_SNAKE.mapping());
		return new RoleResolver(trust, new AnsweringStore(), database, guard, guard, Clock.systemUTC(),
				new CacheSettings(ENTRIES, ttl, ttl));
	}

	/** A shared tier that answers every read with a fresh value read just now, and takes no writes. */
	private static final class AnsweringStore implements SharedRoleStore {

		private int next;

		@Override
		public Mono<SharedRead<Membership>> membership(MembershipKey key) {
			Membership membership = Membership.of(fresh(ROLES[this.next++ % ROLES.length]));
			return Mono.just(new SharedRead<>(membership, System.currentTimeMillis(), 0, 0));
		}

		@Override
		public Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt) {
			return Mono.just(false);
		}

		@Override
		public Mono<SharedRead<PlatformUser>> user(String userId) {
			PlatformUser user = new PlatformUser(true, Set.of(fresh("user")), false, null);
			return Mono.just(new SharedRead<>(user, System.currentTimeMillis(), 0, 0));
		}

		@Override
		public Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt) {
			return Mono.just(false);
		}

		@Override
		public Mono<Long> evictMembership(MembershipKey key) {
			return Mono.just(0L);
		}

		@Override
		public Mono<Long> evictOrganization(String organizationId) {
			return Mono.just(0L);
		}

		@Override
		public Mono<Long> evictUser(String userId) {
			return Mono.just(0L);
		}

	}

	private static void print(String what, long bytes) {
		System.out.printf("%-56s %7.1f MB  (%d bytes per entry)%n", what, bytes / 1e6, bytes / ENTRIES);
	}

	private static void total(String what, long bytes) {
		System.out.printf("%-56s %7.1f MB%n", what, bytes / 1e6);
	}

	/** A string no other entry shares, as one read from its own row or token. */
	private static String fresh(String value) {
		return new String(value.toCharArray());
	}

	private static long usedAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
