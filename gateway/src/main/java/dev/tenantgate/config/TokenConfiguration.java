package dev.tenantgate.config;

import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tenantgate.token.BearerTokenExtractor;
import dev.tenantgate.token.ClaimPath;
import dev.tenantgate.token.JwksHealthIndicator;
import dev.tenantgate.token.JwksKeySource;
import dev.tenantgate.token.JwtVerifier;
import dev.tenantgate.token.VerifiedTokenCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Token validation beans.
 */
@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

	@Bean
	BearerTokenExtractor bearerTokenExtractor(TokenProperties properties) {
		return new BearerTokenExtractor(properties.maxLength());
	}

	@Bean
	JwksKeySource jwksKeySource(TokenProperties properties, ResilienceProperties resilience, Clock clock,
			MeterRegistry registry) {
		TokenProperties.Jwks jwks = properties.jwks();
		JwksKeySource source = new JwksKeySource(WebClient.create(), properties.jwksUri(), resilience.jwks().guard("jwks"),
				jwks.refreshInterval(), jwks.minRefetchInterval(), clock);
		Counter fetched = registry.counter("tenantgate.jwks.fetches", "outcome", "success");
		Counter failed = registry.counter("tenantgate.jwks.fetches", "outcome", "failure");
		source.observe((success) -> (success ? fetched : failed).increment());
		registry.gauge("tenantgate.jwks.keys", source, (keys) -> keys.keyIds().size());
		return source;
	}

	/**
	 * The first JWKS fetch starts once the application is ready, not when the key source is created: the JWKS may be
	 * served by this very process (the {@code start-dev} profile's {@code /dev/jwks}), which does not listen before.
	 * A request that comes earlier waits for the fetch it starts, or for the one in flight.
	 */
	@Bean
	ApplicationListener<ApplicationReadyEvent> jwksPrefetch(JwksKeySource keys) {
		return (event) -> keys.prefetch();
	}

	@Bean
	JwksHealthIndicator jwksHealthIndicator(JwksKeySource keys) {
		return new JwksHealthIndicator(keys);
	}

	@Bean
	JwtVerifier jwtVerifier(TokenProperties properties, JwksKeySource keys, Clock clock) {
		Set<JWSAlgorithm> algorithms = properties.algorithms()
			.stream()
			.map(JWSAlgorithm::parse)
			.collect(Collectors.toUnmodifiableSet());
		TokenProperties.Claims claims = properties.claims();
		JwtVerifier.TokenClaims tokenClaims = new JwtVerifier.TokenClaims(ClaimPath.of(claims.organizationId()),
				ClaimPath.of(claims.orgRole()), ClaimPath.of(claims.platformRole()));
		VerifiedTokenCache cache = new VerifiedTokenCache(properties.cacheSize(), properties.cacheMaxAge(), clock);
		return new JwtVerifier(keys, cache, algorithms, properties.issuer(), properties.audiences(),
				properties.clockSkew(), tokenClaims, clock);
	}

}
