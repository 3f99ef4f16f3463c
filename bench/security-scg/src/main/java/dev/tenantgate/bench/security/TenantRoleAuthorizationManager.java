package dev.tenantgate.bench.security;

import java.util.List;
import java.util.Set;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * Grants a request when the path's {@code orgId} is the token's {@code organizationId} claim and the token's
 * {@code orgRole} claim satisfies the rule: the tenant check as a Spring Security user would write it, trusting the
 * claims (no role lookup, so no revocation before the token expires).
 */
final class TenantRoleAuthorizationManager implements ReactiveAuthorizationManager<AuthorizationContext> {

	private static final List<String> HIERARCHY = List.of("owner", "admin", "staff", "viewer");

	private final Set<String> allowedRoles;

	private TenantRoleAuthorizationManager(Set<String> allowedRoles) {
		this.allowedRoles = allowedRoles;
	}

	/** {@code role} or any role above it in owner > admin > staff > viewer. */
	static TenantRoleAuthorizationManager minimumRole(String role) {
		return new TenantRoleAuthorizationManager(Set.copyOf(HIERARCHY.subList(0, HIERARCHY.indexOf(role) + 1)));
	}

	static TenantRoleAuthorizationManager anyRole(String... roles) {
		return new TenantRoleAuthorizationManager(Set.of(roles));
	}

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
		Object orgId = context.getVariables().get("orgId");
		return authentication.filter(Authentication::isAuthenticated)
			.filter(JwtAuthenticationToken.class::isInstance)
			.map((token) -> ((JwtAuthenticationToken) token).getToken())
			.map((jwt) -> (AuthorizationResult) new AuthorizationDecision(grants(jwt, orgId)))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	private boolean grants(Jwt jwt, Object orgId) {
		return orgId != null && orgId.equals(jwt.getClaimAsString("organizationId"))
				&& this.allowedRoles.contains(jwt.getClaimAsString("orgRole"));
	}

}
