package dev.tenantgate.bench.jmh;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.local.LocalRoleCache;
import dev.tenantgate.token.VerifiedToken;
import dev.tenantgate.token.VerifiedTokenCache;

/**
 * The heap held by the in-process caches at their default bound of 100,000 entries each: memberships and users
 * ({@link LocalRoleCache}), verified tokens ({@link VerifiedTokenCache}), and a cache shaped like the change-time
 * mirror (string keys such as {@code perm-chg:m:<user>:<org>}, long values). Each figure is the growth of the used
 * heap after full collections (run with {@code -XX:+UseSerialGC}, so "used" is exactly the live objects).
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

		LocalRoleCache roles = new LocalRoleCache(ENTRIES, longTtl, longTtl);
		for (int i = 0; i < ENTRIES; i++) {
			MembershipKey key = new MembershipKey(fresh(BenchTokens.id("user", i)), fresh(BenchTokens.id("org", i % 1000)));
			roles.putMembership(key, Membership.of(fresh(ROLES[i % ROLES.length])), roles.generation());
		}
		long memberships = usedAfterGc();
		for (int i = 0; i < ENTRIES; i++) {
			roles.putUser(fresh(BenchTokens.id("user", i)), new PlatformUser(true, Set.of(fresh("user")), false, null),
					roles.generation());
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

		Cache<String, Long> mirror = Caffeine.newBuilder().maximumSize(ENTRIES).expireAfterWrite(longTtl).build();
		for (int i = 0; i < ENTRIES; i++) {
			mirror.put("perm-chg:m:" + BenchTokens.id("user", i) + ":" + BenchTokens.id("org", i % 1000), 0L);
		}
		long changes = usedAfterGc();

		// The caches are used here, after the last measurement, so each stays reachable through every one of them.
		System.out.printf("entries held: %d memberships, %d tokens, %d change times%n", roles.membershipCount(),
				tokens.size(), mirror.estimatedSize());
		print("100,000 memberships (LocalRoleCache)", memberships - start);
		print("100,000 users (LocalRoleCache)", users - memberships);
		print("100,000 verified tokens (VerifiedTokenCache)", verified - users);
		print("100,000 change times (a cache shaped like the mirror)", changes - verified);
		total("memberships + tokens (the issue's target: <= 256 MB)", (memberships - start) + (verified - users));
		total("all four", changes - start);
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
