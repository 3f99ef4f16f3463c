package dev.tenantgate.filter;

import dev.tenantgate.path.InvalidPathException;
import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.path.RequestPathNormalizer;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.problem.ProblemResponseWriter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, before route matching: the path is normalized (or refused with 400
 * {@code path_invalid}). Route matching, tenant extraction and the downstream all see the normalized path, so they
 * cannot disagree about it. A path that is already normal (the usual case) leaves the request as it is. Client-sent
 * identity headers are removed where the downstream request is built, by {@link IdentityHeadersFilter}.
 */
public final class RequestFirewallWebFilter implements WebFilter, Ordered {

	/** Runs before every other web filter and before the gateway's route matching. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private final RequestPathNormalizer normalizer;

	private final ProblemResponseWriter problems;

	public RequestFirewallWebFilter(RequestPathNormalizer normalizer, ProblemResponseWriter problems) {
		this.normalizer = normalizer;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String rawPath = request.getURI().getRawPath();
		NormalizedPath path;
		try {
			path = this.normalizer.normalize(rawPath);
		}
		catch (InvalidPathException ex) {
			return this.problems.write(exchange, new AccessDeniedException(FailureCode.PATH_INVALID, ex.getMessage()));
		}
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, path);
		if (path.encoded().equals(rawPath)) {
			return chain.filter(exchange);
		}
		ServerHttpRequest normalized = request.mutate().path(path.encoded()).build();
		return chain.filter(exchange.mutate().request(normalized).build());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
