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

	private final Cache<ByteBuffer, VerifiedToken> cache;

	private final Clock clock;

	public VerifiedTokenCache(long maximumSize, Duration maximumAge, Clock clock) {
		this.clock = clock;
		this.cache = Caches.onCallingThread()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.<ByteBuffer, VerifiedToken>creating((key, token) -> untilExpiry(token, maximumAge)))
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

	private static ByteBuffer digest(String token) {
		// digest() resets the instance, so each thread reuses its own: looking one up per request showed in profiles.
		return ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}


}
