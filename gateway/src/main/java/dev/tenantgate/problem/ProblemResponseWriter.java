package dev.tenantgate.problem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.tenantgate.support.Json;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Renders a refusal as an RFC 9457 {@code application/problem+json} body, with the RFC 6750 {@code WWW-Authenticate}
 * challenge on 401/400 token failures and {@code Retry-After} on 503. The one place that turns failures into HTTP.
 */
public final class ProblemResponseWriter {

	/** The media type of every error body (RFC 9457 §3). */
	public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

	private final String realm;

	private final Duration retryAfter;

	public ProblemResponseWriter(String realm, Duration retryAfter) {
		this.realm = BearerChallenge.requireSafe(realm, "realm");
		this.retryAfter = retryAfter;
	}

	/**
	 * Writes the problem for {@code failure}. Nothing happens until the returned {@code Mono} is subscribed.
	 */
	public Mono<Void> write(ServerWebExchange exchange, AccessDeniedException failure) {
		return Mono.defer(() -> {
			ServerHttpResponse response = exchange.getResponse();
			if (response.isCommitted()) {
				return Mono.empty();
			}
			FailureCode code = failure.failureCode();
			HttpHeaders headers = response.getHeaders();
			response.setStatusCode(code.status());
			headers.setContentType(PROBLEM_JSON);
			headers.setCacheControl("no-store");
			String challenge = BearerChallenge.forFailure(this.realm, code, failure.detail());
			if (challenge != null) {
				headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge);
			}
			if (code.status() == HttpStatus.SERVICE_UNAVAILABLE) {
				headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())));
			}
			byte[] body = body(code, failure.detail()).getBytes(StandardCharsets.UTF_8);
			headers.setContentLength(body.length);
			DataBuffer buffer = response.bufferFactory().wrap(body);
			return response.writeWith(Mono.just(buffer));
		});
	}

	static String body(FailureCode code, String detail) {
		return "{\"type\":\"about:blank\",\"title\":" + Json.quote(code.status().getReasonPhrase()) + ",\"status\":"
				+ code.status().value() + ",\"detail\":" + Json.quote(detail) + ",\"code\":" + Json.quote(code.code())
				+ "}";
	}

}
