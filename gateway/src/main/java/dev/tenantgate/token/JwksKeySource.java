package dev.tenantgate.token;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.resilience.DependencyGuard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The signing keys of Better Auth's JWKS endpoint, fetched without blocking and kept in memory.
 * <p>
 * An unknown {@code kid} triggers a refetch, because Better Auth rotates keys, but at a bounded rate: at most one
 * fetch is in flight, and a new one starts no sooner than {@code minRefetchInterval} after the previous one, so a
 * flood of tokens with made-up key ids cannot become a flood of JWKS requests (while no key set was ever loaded, the
 * interval is at most one second, since every token fails until one is). Keys older than
 * {@code refreshInterval} are refreshed in the background while the old ones keep serving. When a fetch fails the
 * last good key set stays in use.
 */
public final class JwksKeySource {

	private static final Log logger = LogFactory.getLog(JwksKeySource.class);

	private static final Duration EMPTY_SET_COOLDOWN = Duration.ofSeconds(1);

	private final WebClient webClient;

	private final URI jwksUri;

	private final DependencyGuard guard;

	private final Duration refreshInterval;

	private final Duration minRefetchInterval;

	private final Clock clock;

	private final AtomicReference<KeySet> keys = new AtomicReference<>(KeySet.EMPTY);

	private final AtomicReference<Mono<KeySet>> inFlight = new AtomicReference<>();

	private volatile Instant lastFetchStarted = Instant.EPOCH;

	private volatile FetchObserver observer = FetchObserver.NONE;

	public JwksKeySource(WebClient webClient, URI jwksUri, DependencyGuard guard, Duration refreshInterval,
			Duration minRefetchInterval, Clock clock) {
		this.webClient = webClient;
		this.jwksUri = jwksUri;
		this.guard = guard;
		this.refreshInterval = refreshInterval;
		this.minRefetchInterval = minRefetchInterval;
		this.clock = clock;
	}

	/**
	 * The key with id {@code kid}. Empty when the key set, even after a permitted refetch, does not have it.
	 * Fails with {@code keys_unavailable} when no key set has ever been fetched.
	 */
	Mono<VerificationKey> key(String kid) {
		KeySet current = this.keys.get();
		VerificationKey key = current.byKid.get(kid);
		if (key != null) {
			if (current.olderThan(this.refreshInterval, this.clock.instant())) {
				refresh().subscribe();
			}
			return Mono.just(key);
		}
		return refresh().flatMap((refreshed) -> {
			if (refreshed.byKid.isEmpty()) {
				return Mono.error(new AccessDeniedException(FailureCode.KEYS_UNAVAILABLE));
			}
			return Mono.justOrEmpty(refreshed.byKid.get(kid));
		});
	}

	/** The ids of the keys in use. */
	public java.util.Set<String> keyIds() {
		return this.keys.get().byKid().keySet();
	}

	/** When the keys in use were fetched ({@link Instant#EPOCH} if never). */
	public Instant fetchedAt() {
		return this.keys.get().fetchedAt();
	}

	/** Reports every fetch from now on (for metrics). */
	public void observe(FetchObserver observer) {
		this.observer = observer;
	}

	/** Sees the outcome of each JWKS fetch. */
	public interface FetchObserver {

		FetchObserver NONE = (success) -> {
		};

		void fetched(boolean success);

	}

	/** Starts the first fetch in the background, so the first request rarely waits for the keys. */
	public void prefetch() {
		refresh().subscribe();
	}

	/** Fetches the key set now unless a fetch is in flight or the last one started too recently. */
	Mono<KeySet> refresh() {
		Mono<KeySet> running = this.inFlight.get();
		if (running != null) {
			return running;
		}
		Instant now = this.clock.instant();
		if (now.isBefore(this.lastFetchStarted.plus(cooldown()))) {
			return Mono.just(this.keys.get());
		}
		Mono<KeySet> fetch = fetch()
			.doOnNext(this.keys::set)
			.doOnNext((loaded) -> this.observer.fetched(true))
			.onErrorResume((ex) -> {
				this.observer.fetched(false);
				logger.warn("JWKS fetch from " + this.jwksUri + " failed, keeping the last good key set: " + ex);
				return Mono.just(this.keys.get());
			})
			// Cleared before subscribers see the end, so a refresh asked for right after starts a new fetch.
			.doOnTerminate(() -> this.inFlight.set(null))
			.cache();
		if (!this.inFlight.compareAndSet(null, fetch)) {
			Mono<KeySet> other = this.inFlight.get();
			return (other != null) ? other : Mono.just(this.keys.get());
		}
		this.lastFetchStarted = now;
		return fetch;
	}

	// With no keys at all every token fails, so retry sooner (still at most once a second) than when some keys work.
	private Duration cooldown() {
		if (this.keys.get().byKid().isEmpty() && this.minRefetchInterval.compareTo(EMPTY_SET_COOLDOWN) > 0) {
			return EMPTY_SET_COOLDOWN;
		}
		return this.minRefetchInterval;
	}

	private Mono<KeySet> fetch() {
		return this.guard.guard(this.webClient.get()
			.uri(this.jwksUri)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(String.class))
			.map(this::parse);
	}

	// A key that cannot verify anything (e.g. an Ed25519 x that is not a valid point) is left out; the others stay.
	private @Nullable VerificationKey usable(JWK jwk) {
		try {
			return VerificationKey.from(jwk);
		}
		catch (JOSEException ex) {
			logger.warn("Leaving out key " + jwk.getKeyID() + " of " + this.jwksUri + ": " + ex.getMessage());
			return null;
		}
	}

	private KeySet parse(String body) {
		try {
			Map<String, VerificationKey> byKid = new HashMap<>();
			for (JWK jwk : JWKSet.parse(body).getKeys()) {
				VerificationKey key = usable(jwk);
				if (key != null) {
					byKid.put(key.kid(), key);
				}
			}
			logger.info("Loaded " + byKid.size() + " signing key(s) from " + this.jwksUri + ": " + byKid.keySet());
			return new KeySet(Map.copyOf(byKid), this.clock.instant());
		}
		catch (ParseException ex) {
			throw new IllegalStateException("The JWKS document is not valid: " + ex.getMessage(), ex);
		}
	}

	record KeySet(Map<String, VerificationKey> byKid, Instant fetchedAt) {

		static final KeySet EMPTY = new KeySet(Map.of(), Instant.EPOCH);

		boolean olderThan(Duration age, Instant now) {
			return this.fetchedAt.plus(age).isBefore(now);
		}

	}

}
