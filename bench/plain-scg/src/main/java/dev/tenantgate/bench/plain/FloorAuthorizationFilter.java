package dev.tenantgate.bench.plain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * <strong>A measuring device, not an authorization</strong> (on only with {@code bench.floor=true}): the least work
 * any filter that authorizes at the edge does per request, to see how close to plain Spring Cloud Gateway such a
 * filter can come at all. It reads the bearer token, looks its claims up in a map keyed by the token itself (filled
 * the first time a token is seen by decoding its payload, <em>without</em> checking the signature, the expiry or
 * anything else), compares the path's organization with the token's, checks that the token claims a member role,
 * and sends the identity headers downstream after removing any the client sent. No cache expiry, no role tiers, no
 * metrics, no decision record, no path normalization: every one of those is left out on purpose.
 */
final class FloorAuthorizationFilter implements GlobalFilter, HttpHeadersFilter, Ordered {

	private static final String CLAIMS_ATTR = FloorAuthorizationFilter.class.getName() + ".claims";

	private static final Set<String> MEMBER_ROLES = Set.of("owner", "admin", "staff", "viewer");

	private static final String[] IDENTITY_HEADERS = { "X-User-Id", "X-Organization-Id", "X-Org-Role",
			"X-Platform-Role" };

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, Claims> claimsByToken = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.startsWith("Bearer ")) {
			return refuse(exchange, HttpStatus.UNAUTHORIZED);
		}
		Claims claims = this.claimsByToken.computeIfAbsent(authorization.substring(7), this::decode);
		String tenant = ServerWebExchangeUtils.getUriTemplateVariables(exchange).get("orgId");
		if (claims.userId() == null || tenant == null || !tenant.equals(claims.organizationId())
				|| !MEMBER_ROLES.contains(claims.orgRole())) {
			return refuse(exchange, HttpStatus.FORBIDDEN);
		}
		exchange.getAttributes().put(CLAIMS_ATTR, claims);
		return chain.filter(exchange);
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders headers = new HttpHeaders();
		headers.putAll(input);
		for (String name : IDENTITY_HEADERS) {
			headers.remove(name);
		}
		Claims claims = exchange.getAttribute(CLAIMS_ATTR);
		if (claims != null) {
			headers.set(IDENTITY_HEADERS[0], claims.userId());
			headers.set(IDENTITY_HEADERS[1], claims.organizationId());
			headers.set(IDENTITY_HEADERS[2], claims.orgRole());
			if (claims.platformRole() != null) {
				headers.set(IDENTITY_HEADERS[3], claims.platformRole());
			}
		}
		return headers;
	}

	private Claims decode(String token) {
		int first = token.indexOf('.');
		int second = token.indexOf('.', first + 1);
		if (first < 0 || second < 0) {
			return Claims.NONE;
		}
		try {
			byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
			Map<?, ?> map = this.json.readValue(new String(payload, StandardCharsets.UTF_8), Map.class);
			return new Claims(text(map.get("sub")), text(map.get("organizationId")), text(map.get("orgRole")),
					text(map.get("role")));
		}
		catch (RuntimeException ex) {
			return Claims.NONE;
		}
	}

	private static String text(Object value) {
		return (value instanceof String string) ? string : null;
	}

	private static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status) {
		exchange.getResponse().setStatusCode(status);
		return exchange.getResponse().setComplete();
	}

	@Override
	public int getOrder() {
		// As a GlobalFilter: where tenantgate's authorization filter runs. As a headers filter: after the others.
		return -100;
	}

	private record Claims(String userId, String organizationId, String orgRole, String platformRole) {

		static final Claims NONE = new Claims(null, null, null, null);

	}

}
