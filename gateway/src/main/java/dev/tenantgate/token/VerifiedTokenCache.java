package dev.tenantgate.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tenantgate.support.Caches;
import org.jspecify.annotations.Nullable;

/**
 * Tokens that passed signature and claim checks, so a client that sends the same token again is not parsed and
 * verified again (an Ed25519 or RS256 verification alone costs ~50 µs). Keyed by the SHA-256 of the token, not the
 * token itself, which keeps memory small and the token out of heap dumps. An entry never outlives the token's
 * {@code exp}.
 */
public final class VerifiedTokenCache {

	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(VerifiedTokenCache::sha256);

	private final Cache<TokenDigest, VerifiedToken> cache;

	private final Clock clock;

	public VerifiedTokenCache(long maximumSize, Duration maximumAge, Clock clock) {
		this.clock = clock;
		this.cache = Caches.onCallingThread()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<TokenDigest, VerifiedToken>creating((key, token) -> untilExpiry(token, maximumAge)))
			.build();
	}

	public @Nullable VerifiedToken get(String token) {
		VerifiedToken verified = this.cache.getIfPresent(digest(token));
		if (verified == null || !this.clock.instant().isBefore(verified.expiresAt())) {
			return null;
		}
		return verified;
	}

	public void put(String token, VerifiedToken verified) {
		this.cache.put(digest(token), verified);
	}

	public long size() {
		this.cache.cleanUp();
		return this.cache.estimatedSize();
	}

	private Duration untilExpiry(VerifiedToken token, Duration maximumAge) {
		Duration remaining = Duration.between(this.clock.instant(), token.expiresAt());
		if (remaining.isNegative()) {
			return Duration.ZERO;
		}
		return (remaining.compareTo(maximumAge) < 0) ? remaining : maximumAge;
	}

	private static TokenDigest digest(String token) {
		// digest() resets the instance, so each thread reuses its own: looking one up per request showed in profiles.
		ByteBuffer digest = ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
		return new TokenDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	/**
	 * A token's SHA-256 as four numbers: hashed and compared in four steps, where a {@link ByteBuffer} key walked its
	 * 32 bytes one by one to hash them, and half the memory of a buffer over an array.
	 */
	private record TokenDigest(long first, long second, long third, long fourth) {
	}

}
