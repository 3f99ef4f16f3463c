package dev.tenantgate.filter;

import java.util.List;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's hop-by-hop filter, bound to the same properties
 * ({@code spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.*}), on responses only: on requests,
 * {@link IdentityHeaders} removes the same headers ({@link #getHeaders()}) in its own pass
 * ({@code HeaderFiltersTakeover} puts this filter in the framework's place). It removes what the framework's removes
 * (the configured names, and what {@code Connection} names), in one copy through {@link RemovedHeaders}: the
 * framework's builds a set of the names to remove for every response, lowercases every header name, and walks the
 * headers through {@code headerSet()}.
 */
public final class ResponseHopByHopHeadersFilter extends RemoveHopByHopHeadersFilter {

	/**
	 * The framework's default names, copied when this class loads: {@link #HEADERS_REMOVED_ON_REQUEST} is one
	 * mutable set shared by every instance, and binding the property clears and refills the set an instance holds.
	 */
	private static final Set<String> DEFAULT_HEADERS = Set.copyOf(HEADERS_REMOVED_ON_REQUEST);

	/** Set while the filter is configured, before it is published to the routing filters. */
	private RemovedHeaders removed;

	public ResponseHopByHopHeadersFilter() {
		setHeaders(DEFAULT_HEADERS);
	}

	@Override
	public void setHeaders(Set<String> headers) {
		super.setHeaders(headers);
		this.removed = new RemovedHeaders(getHeaders(), List.of());
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		if (!this.removed.anyIn(input) && !input.containsHeader(HttpHeaders.CONNECTION)) {
			return input;
		}
		return this.removed.copyWithout(input, 0);
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

}
