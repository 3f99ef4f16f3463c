package dev.tenantgate.token;

import java.time.Duration;
import java.time.Instant;

import dev.tenantgate.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTests {

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private final MutableClock clock = new MutableClock(NOW);

	private final VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), this.clock);

	@Test
	void aTokenIsFoundByItsExactText() {
		String token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl";
		VerifiedToken verified = verified("user-1", NOW.plusSeconds(900));
		this.cache.put(token, verified);

		assertThat(this.cache.get(token)).isSameAs(verified);
		assertThat(this.cache.get(new String(token.toCharArray()))).isSameAs(verified);
	}

	@Test
	void tokensThatDifferAnywhereAreDifferentEntries() {
		String token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl";
		this.cache.put(token, verified("user-1", NOW.plusSeconds(900)));

		for (int i = 0; i < token.length(); i++) {
			char[] changed = token.toCharArray();
			changed[i] = (changed[i] == 'A') ? 'B' : 'A';
			assertThat(this.cache.get(new String(changed))).as("changed at %d", i).isNull();
		}
		assertThat(this.cache.get(token + "A")).isNull();
		assertThat(this.cache.get(token.substring(1))).isNull();
	}

	@Test
	void anEntryIsNeverReturnedAtOrAfterTheTokensExpiry() {
		String token = "a.b.c";
		this.cache.put(token, verified("user-1", NOW.plusSeconds(60)));

		this.clock.advance(Duration.ofSeconds(59));
		assertThat(this.cache.get(token)).isNotNull();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.cache.get(token)).isNull();
	}

	private static VerifiedToken verified(String subject, Instant expiresAt) {
		return new VerifiedToken(subject, "acme", "owner", "user", NOW, expiresAt);
	}

}
