package dev.tenantgate.filter;

import dev.tenantgate.policy.Identity;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Sets the trusted identity headers on the downstream request, after dropping any the client sent (and, in Spring
 * Cloud Gateway's place, the client's hop-by-hop headers, its forwarding headers when no proxy is trusted, and
 * gRPC's {@code te: trailers}: see {@code HeaderFiltersTakeover}). It runs where Spring Cloud Gateway builds the
 * headers of every proxied request (HTTP and WebSocket), so no request reaches a downstream without passing it. It
 * runs first among the {@link HttpHeadersFilter}s: its copy of the client's headers is the one made from the server's
 * own header store (through the backing map, cheaper than {@code headerSet()}); the framework's filters that would
 * each have copied the headers again no longer run on requests (docs/benchmarks.md). None of the filters after it
 * adds an identity header or removes one. {@link IdentityHeaders} removes {@code Connection} and what it names
 * before it sets the identity, so a hop-by-hop filter that still runs after it (a configuration where it is not
 * taken over) cannot remove a trusted header that the client named there. Headers are set only for the
 * {@link Identity} that {@link TenantAuthorizationFilter} authorized ({@link TenantgateAttributes#IDENTITY_ATTR}): a
 * public route, or a refusal on a route in shadow mode, gets none. The client's {@code Authorization} and
 * {@code Cookie} headers are removed too when the route's rule says so
 * ({@link TenantgateAttributes#CREDENTIALS_WITHHELD_ATTR}).
 * <p>
 * Working on the outgoing headers, which the gateway copies anyway, means the request itself is never rebuilt for
 * them. Filters inside the gateway read the identity from the exchange attribute, not from the headers.
 */
public final class IdentityHeadersFilter implements HttpHeadersFilter, Ordered {

	private final IdentityHeaders identityHeaders;

	public IdentityHeadersFilter(IdentityHeaders identityHeaders) {
		this.identityHeaders = identityHeaders;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		Identity identity = exchange.getAttribute(TenantgateAttributes.IDENTITY_ATTR);
		boolean withholdCredentials = exchange.getAttribute(TenantgateAttributes.CREDENTIALS_WITHHELD_ATTR) != null;
		io.netty.handler.codec.http.HttpHeaders received = receivedHeaders(input, exchange);
		if (received != null) {
			return this.identityHeaders.forDownstream(received, input, identity, withholdCredentials);
		}
		return this.identityHeaders.forDownstream(input, identity, withholdCredentials);
	}

	/**
	 * The server's own store of {@code input}: Netty's headers of the request as received, when {@code input} is
	 * that request's headers (no filter has changed them); else {@code null}.
	 */
	private static io.netty.handler.codec.http.@Nullable HttpHeaders receivedHeaders(HttpHeaders input,
			ServerWebExchange exchange) {
		ServerHttpRequest received = exchange.getAttribute(TenantgateAttributes.RECEIVED_REQUEST_ATTR);
		if (received == null || received.getHeaders() != input) {
			return null;
		}
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(received);
		return (nativeRequest instanceof HttpServerRequest server) ? server.requestHeaders() : null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
