package dev.tenantgate.filter;

import java.util.Map;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.Identity;
import dev.tenantgate.policy.MethodRule;
import dev.tenantgate.policy.RequestAuthorizer;
import dev.tenantgate.policy.RouteMatch;
import dev.tenantgate.policy.RoutePolicy;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.problem.ProblemResponseWriter;
import dev.tenantgate.token.BearerTokenExtractor;
import dev.tenantgate.token.JwtVerifier;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Authorizes every proxied request: route rule → bearer token → tenant and roles → trusted identity headers. Each
 * step is done by its own collaborator; this filter only puts them in order and turns a refusal into a problem
 * response. A route without a {@link RoutePolicy} is refused: nothing is open by default.
 */
public final class TenantAuthorizationFilter implements GlobalFilter, Ordered {

	/** Before any route filter from YAML (orders 1..n) and long before {@code RouteToRequestUrlFilter} (10000). */
	public static final int ORDER = -100;

	private final BearerTokenExtractor tokens;

	private final JwtVerifier verifier;

	private final RequestAuthorizer authorizer;

	private final IdentityHeaders identityHeaders;

	private final ProblemResponseWriter problems;

	public TenantAuthorizationFilter(BearerTokenExtractor tokens, JwtVerifier verifier, RequestAuthorizer authorizer,
			IdentityHeaders identityHeaders, ProblemResponseWriter problems) {
		this.tokens = tokens;
		this.verifier = verifier;
		this.authorizer = authorizer;
		this.identityHeaders = identityHeaders;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		RouteMatch match = match(exchange);
		if (match == null) {
			return deny(exchange, new AccessDeniedException(FailureCode.ROUTE_NOT_FOUND));
		}
		MethodRule rule = match.route().ruleFor(exchange.getRequest().getMethod().name());
		if (rule == null) {
			return deny(exchange, new AccessDeniedException(FailureCode.METHOD_NOT_ALLOWED));
		}
		if (rule.access() == MethodRule.Access.PUBLIC) {
			return chain.filter(exchange);
		}
		return Mono.fromCallable(() -> this.tokens.extract(exchange.getRequest()))
			.flatMap(this.verifier::verify)
			.flatMap((token) -> this.authorizer.authorize(token, match, rule))
			.map((identity) -> withIdentity(exchange, identity))
			.onErrorResume(AccessDeniedException.class, (ex) -> deny(exchange, ex).then(Mono.empty()))
			.flatMap(chain::filter);
	}

	private static RouteMatch match(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
		NormalizedPath path = exchange.getAttribute(TenantgateAttributes.NORMALIZED_PATH_ATTR);
		if (route == null || path == null
				|| !(route.getMetadata().get(TenantgateAttributes.POLICY_METADATA) instanceof RoutePolicy policy)) {
			return null;
		}
		Map<String, String> variables = policy.path().match(path);
		return (variables != null) ? new RouteMatch(policy, variables) : null;
	}

	private ServerWebExchange withIdentity(ServerWebExchange exchange, Identity identity) {
		exchange.getAttributes().put(TenantgateAttributes.IDENTITY_ATTR, identity);
		return exchange.mutate()
			.request((request) -> request.headers((headers) -> this.identityHeaders.set(headers, identity)))
			.build();
	}

	private Mono<Void> deny(ServerWebExchange exchange, AccessDeniedException failure) {
		return this.problems.write(exchange, failure);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
