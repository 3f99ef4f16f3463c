package dev.tenantgate.filter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import dev.tenantgate.problem.ProblemResponseWriter;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Forwarding headers ({@code Forwarded}, {@code X-Forwarded-*}) count only from a proxy in front that
 * {@code spring.cloud.gateway.server.webflux.trusted-proxies} names (the remote address of the connection, matched
 * as Spring Cloud Gateway matches it). From any other address they are removed, whatever their letter case and with
 * {@code _} for {@code -}, before routing, so nothing after this filter sees them. From a trusted proxy they must be
 * well-formed ({@link ForwardedHeaderSyntax}), else the request is refused with 400
 * {@code forwarded_header_invalid}; those spelled with {@code _} are removed even then, since no proxy writes them
 * so and a service reading headers CGI-style would take them for the proxy's own. Registered only when trusted
 * proxies are configured: without, the forwarding headers of every request are removed where the downstream
 * request is built ({@link IdentityHeaders}).
 */
public final class TrustedProxyWebFilter implements WebFilter, Ordered {

	/** Right after {@link RequestFirewallWebFilter}, before route matching. */
	public static final int ORDER = RequestFirewallWebFilter.ORDER + 1;

	private static final RemovedHeaders FORWARDING = new RemovedHeaders(List.of("Forwarded"), List.of("X-Forwarded-"));

	private final TrustedProxies trustedProxies;

	private final ProblemResponseWriter problems;

	public TrustedProxyWebFilter(TrustedProxies trustedProxies, ProblemResponseWriter problems) {
		this.trustedProxies = trustedProxies;
		this.problems = problems;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		boolean trusted = isTrusted(request.getRemoteAddress());
		List<String> removed = null;
		for (Map.Entry<String, List<String>> header : request.getHeaders().asMultiValueMap().entrySet()) {
			String name = header.getKey();
			if (!FORWARDING.matches(name)) {
				continue;
			}
			if (trusted && name.indexOf('_') < 0) {
				if (!isValid(name.toLowerCase(Locale.ROOT), header.getValue())) {
					return this.problems.write(exchange,
							new AccessDeniedException(FailureCode.FORWARDED_HEADER_INVALID));
				}
			}
			else {
				removed = (removed != null) ? removed : new ArrayList<>(2);
				removed.add(name);
			}
		}
		if (removed == null) {
			return chain.filter(exchange);
		}
		List<String> names = removed;
		ServerHttpRequest stripped = request.mutate().headers((headers) -> names.forEach(headers::remove)).build();
		return chain.filter(exchange.mutate().request(stripped).build());
	}

	private boolean isTrusted(@Nullable InetSocketAddress remote) {
		return remote != null && this.trustedProxies.isTrusted(remote.getHostString());
	}

	private static boolean isValid(String canonicalName, List<String> values) {
		for (String value : values) {
			if (!ForwardedHeaderSyntax.isValid(canonicalName, value)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
