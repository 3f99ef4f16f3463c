package dev.tenantgate.filter;

import dev.tenantgate.path.InvalidPathException;
import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.path.RequestPathNormalizer;
import dev.tenantgate.policy.RequestMethods;
import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.problem.ProblemResponseWriter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, before route matching: a method that is not an upper-case token is refused
 * with 400 {@code method_invalid} ({@link RequestMethods}), a {@code Connection} header naming more than
 * {@link #MAX_CONNECTION_OPTIONS} headers with 400 {@code connection_header_invalid}, and the path is normalized (or
 * refused with 400 {@code path_invalid}). Route matching, tenant extraction and the downstream all see the normalized path, so they
 * cannot disagree about it. A path that is already normal (the usual case) leaves the request as it is. Client-sent
 * identity headers are removed where the downstream request is built, by {@link IdentityHeadersFilter}.
 */
public final class RequestFirewallWebFilter implements WebFilter, Ordered {

	/** Runs before every other web filter and before the gateway's route matching. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	/**
	 * The most header names a {@code Connection} header may list (a client names one or two: {@code keep-alive},
	 * {@code Upgrade}, {@code TE}).
	 */
	public static final int MAX_CONNECTION_OPTIONS = 32;

	private final RequestPathNormalizer normalizer;

	private final ProblemResponseWriter problems;

	public RequestFirewallWebFilter(RequestPathNormalizer normalizer, ProblemResponseWriter problems) {
		this.normalizer = normalizer;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!RequestMethods.isValid(request.getMethod().name())) {
			return this.problems.write(exchange, new AccessDeniedException(FailureCode.METHOD_INVALID));
		}
		if (RemovedHeaders.countConnectionOptions(request.getHeaders().get(HttpHeaders.CONNECTION),
				MAX_CONNECTION_OPTIONS) > MAX_CONNECTION_OPTIONS) {
			return this.problems.write(exchange, new AccessDeniedException(FailureCode.CONNECTION_HEADER_INVALID));
		}
		String rawPath = request.getURI().getRawPath();
		NormalizedPath path;
		try {
			path = this.normalizer.normalize(rawPath);
		}
		catch (InvalidPathException ex) {
			return this.problems.write(exchange, new AccessDeniedException(FailureCode.PATH_INVALID, ex.getMessage()));
		}
		exchange.getAttributes().put(TenantgateAttributes.NORMALIZED_PATH_ATTR, path);
		exchange.getAttributes().put(TenantgateAttributes.RECEIVED_REQUEST_ATTR, request);
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
