package dev.tenantgate.filter;

import java.util.Map;

import dev.tenantgate.audit.Decision;
import dev.tenantgate.audit.DecisionRecorder;
import dev.tenantgate.downstream.ReceivingEventLoop;
import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.Identity;
import dev.tenantgate.policy.MethodRule;
import dev.tenantgate.policy.RequestAuthorizer;
import dev.tenantgate.policy.RouteMatch;
import dev.tenantgate.policy.RoutePolicy;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.problem.ProblemResponseWriter;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.support.ScalarMono;
import dev.tenantgate.token.BearerTokenExtractor;
import dev.tenantgate.token.JwtVerifier;
import dev.tenantgate.token.VerifiedToken;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Authorizes every proxied request: route rule → bearer token → tenant and roles → the authorized {@link Identity}
 * (which {@link IdentityHeadersFilter} turns into the trusted headers). Each step is done by its own collaborator;
 * this filter only puts them in order, records the decision, and turns a refusal into a problem response. A route
 * without a {@link RoutePolicy} is refused: nothing is open by default. On a route in shadow mode a refusal is
 * recorded but the request goes on, without identity headers.
 * <p>
 * The steps are chained with {@link ScalarMono}: a request answered from memory (cached token, cached or claimed
 * roles) is decided with plain method calls, and only one that waits for Redis, PostgreSQL or the JWKS goes through
 * Reactor operators, and is brought back to the event loop that received it ({@link ReceivingEventLoop}).
 */
public final class TenantAuthorizationFilter implements GlobalFilter, Ordered {

	/** Before any route filter from YAML (orders 1..n) and long before {@code RouteToRequestUrlFilter} (10000). */
	public static final int ORDER = -100;

	private final BearerTokenExtractor tokens;

	private final JwtVerifier verifier;

	private final RequestAuthorizer authorizer;

	private final ProblemResponseWriter problems;

	private final DecisionRecorder decisions;

	public TenantAuthorizationFilter(BearerTokenExtractor tokens, JwtVerifier verifier, RequestAuthorizer authorizer,
			ProblemResponseWriter problems, DecisionRecorder decisions) {
		this.tokens = tokens;
		this.verifier = verifier;
		this.authorizer = authorizer;
		this.problems = problems;
		this.decisions = decisions;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		long started = System.nanoTime();
		RouteMatch match = match(exchange);
		if (match == null) {
			return deny(exchange, chain, null, null, new AccessDeniedException(FailureCode.ROUTE_NOT_FOUND), started);
		}
		MethodRule rule = match.route().ruleFor(exchange.getRequest().getMethod().name());
		if (rule == null) {
			return deny(exchange, chain, match, null, new AccessDeniedException(FailureCode.METHOD_NOT_ALLOWED), started);
		}
		if (!match.route().forwardsCredentials(rule)) {
			exchange.getAttributes().put(TenantgateAttributes.CREDENTIALS_WITHHELD_ATTR, Boolean.TRUE);
		}
		if (rule.access() == MethodRule.Access.PUBLIC) {
			return chain.filter(exchange);
		}
		ResolutionTrace trace = new ResolutionTrace();
		Mono<Identity> decision = ScalarMono.flatMap(verify(exchange), (token) -> {
			exchange.getAttributes().put(TenantgateAttributes.TOKEN_ATTR, token);
			return this.authorizer.authorize(token, match, rule, trace);
		});
		if (!ScalarMono.isScalar(decision)) {
			// Decided on a lookup's thread: the request goes on, and is answered, from the loop that received it.
			decision = ReceivingEventLoop.resume(decision, exchange.getRequest());
		}
		return ScalarMono.handle(decision, (identity) -> allow(exchange, chain, match, identity, trace, started),
				AccessDeniedException.class, (ex) -> deny(exchange, chain, match, trace, ex, started));
	}

	private Mono<VerifiedToken> verify(ServerWebExchange exchange) {
		String token;
		try {
			token = this.tokens.extract(exchange.getRequest());
		}
		catch (AccessDeniedException ex) {
			return Mono.error(ex);
		}
		return this.verifier.verify(token);
	}

	private Mono<Void> allow(ServerWebExchange exchange, GatewayFilterChain chain, RouteMatch match, Identity identity,
			ResolutionTrace trace, long started) {
		this.decisions.record(new Decision(match.route().id(), exchange.getRequest().getMethod().name(), true, "ok",
				200, identity.userId(), identity.organizationId(), trace.membershipSource(), match.route().shadow(),
				System.nanoTime() - started));
		exchange.getAttributes().put(TenantgateAttributes.IDENTITY_ATTR, identity);
		return chain.filter(exchange);
	}

	private Mono<Void> deny(ServerWebExchange exchange, GatewayFilterChain chain, @Nullable RouteMatch match,
			@Nullable ResolutionTrace trace, AccessDeniedException failure, long started) {
		VerifiedToken token = exchange.getAttribute(TenantgateAttributes.TOKEN_ATTR);
		boolean shadow = match != null && match.route().shadow();
		this.decisions.record(new Decision((match != null) ? match.route().id() : null,
				exchange.getRequest().getMethod().name(), false, failure.failureCode().code(),
				failure.failureCode().status().value(), (token != null) ? token.subject() : null,
				(match != null) ? match.tenant() : null, (trace != null) ? trace.membershipSource() : null, shadow,
				System.nanoTime() - started));
		return shadow ? chain.filter(exchange) : this.problems.write(exchange, failure);
	}

	private static @Nullable RouteMatch match(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
		NormalizedPath path = exchange.getAttribute(TenantgateAttributes.NORMALIZED_PATH_ATTR);
		if (route == null || path == null
				|| !(route.getMetadata().get(TenantgateAttributes.POLICY_METADATA) instanceof RoutePolicy policy)) {
			return null;
		}
		// Found with the route by PolicyRouteHandlerMapping's index; matched here only when the framework's own
		// look-up picked the route (the index switched off, or routes not from routes.yml in use).
		RouteMatch found = exchange.getAttribute(TenantgateAttributes.ROUTE_MATCH_ATTR);
		if (found != null && found.route() == policy) {
			return found;
		}
		Map<String, String> variables = policy.path().match(path);
		return (variables != null) ? new RouteMatch(policy, variables) : null;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
