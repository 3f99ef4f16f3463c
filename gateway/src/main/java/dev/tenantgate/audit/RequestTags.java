package dev.tenantgate.audit;

import dev.tenantgate.policy.RequestMethods;
import io.micrometer.core.instrument.Tags;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayHttpTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayTagsProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * The tags of Spring Cloud Gateway's request meter ({@code spring.cloud.gateway.requests}) in place of
 * {@link GatewayHttpTagsProvider}'s, with the same names and values, except that a method other than the standard ones
 * is tagged {@link RequestMethods#OTHER}: every method a client invents would otherwise be a meter of its own, and
 * the registry would grow without bound.
 */
public final class RequestTags implements GatewayTagsProvider {

	private static final String CUSTOM = "CUSTOM";

	private static final String NONE = "NA";

	@Override
	public Tags apply(ServerWebExchange exchange) {
		String outcome = CUSTOM;
		String status = CUSTOM;
		String statusCode = NONE;
		HttpStatusCode code = exchange.getResponse().getStatusCode();
		if (code != null) {
			statusCode = String.valueOf(code.value());
			HttpStatus resolved = HttpStatus.resolve(code.value());
			if (resolved != null) {
				outcome = resolved.series().name();
				status = resolved.name();
			}
		}
		String method = RequestMethods.tag(exchange.getRequest().getMethod().name());
		return Tags.of("outcome", outcome, "status", status, "httpStatusCode", statusCode, "httpMethod", method);
	}

}
