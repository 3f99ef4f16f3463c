package dev.tenantgate.bench.security;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * The baseline a Spring user would write instead of tenantgate: Spring Cloud Gateway behind Spring Security's
 * resource server ({@code oauth2ResourceServer(jwt)}, the JWKS and issuer/audience from {@code application.yml}),
 * path rules in {@code authorizeExchange}, a tenant and role check per rule, and the identity passed downstream as
 * headers. Every request's JWT is decoded and verified (the stock decoder caches keys, not tokens).
 */
@SpringBootApplication
public class SecurityGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecurityGatewayApplication.class, args);
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		String orders = "/api/orgs/{orgId}/orders/**";
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers(HttpMethod.GET, orders).access(TenantRoleAuthorizationManager.minimumRole("viewer"))
				.pathMatchers(HttpMethod.POST, orders).access(TenantRoleAuthorizationManager.anyRole("owner", "admin", "staff"))
				.pathMatchers(HttpMethod.DELETE, orders).access(TenantRoleAuthorizationManager.minimumRole("admin"))
				.pathMatchers("/api/orgs/{orgId}/billing/**").access(TenantRoleAuthorizationManager.minimumRole("owner"))
				.anyExchange().denyAll())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
			.build();
	}

	/** The caller's identity for the downstream service, replacing whatever the client sent. */
	@Bean
	GlobalFilter identityHeaders() {
		return (exchange, chain) -> exchange.getPrincipal()
			.filter(JwtAuthenticationToken.class::isInstance)
			.cast(JwtAuthenticationToken.class)
			.map((authentication) -> {
				Jwt jwt = authentication.getToken();
				return exchange.mutate().request((request) -> request.headers((headers) -> {
					headers.set("X-User-Id", jwt.getSubject());
					headers.set("X-Organization-Id", jwt.getClaimAsString("organizationId"));
					headers.set("X-Org-Role", jwt.getClaimAsString("orgRole"));
				})).build();
			})
			.defaultIfEmpty(exchange)
			.flatMap(chain::filter);
	}

}
