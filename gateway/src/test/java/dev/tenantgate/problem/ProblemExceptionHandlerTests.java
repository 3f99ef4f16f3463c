package dev.tenantgate.problem;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemExceptionHandlerTests {

	private final ProblemExceptionHandler handler = new ProblemExceptionHandler(
			new ProblemResponseWriter("tenantgate", Duration.ofSeconds(5)));

	private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/nowhere"));

	@Test
	void handleWhenNotFoundStatusThenRouteNotFound() {
		MockServerHttpResponse response = handle(new ResponseStatusException(HttpStatus.NOT_FOUND));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBodyAsString().block()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\","
				+ "\"status\":404,\"detail\":\"No route matches this path.\",\"code\":\"route_not_found\"}");
	}

	@Test
	void handleWhenMethodNotAllowedStatusThenMethodNotAllowed() {
		assertProblem(new ResponseStatusException(HttpStatus.METHOD_NOT_ALLOWED), HttpStatus.METHOD_NOT_ALLOWED,
				"method_not_allowed");
	}

	@Test
	void handleWhenOtherClientErrorStatusThenBadRequest() {
		assertProblem(new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "internal reason"),
				HttpStatus.BAD_REQUEST, "bad_request");
	}

	@Test
	void handleWhenConnectExceptionThenDownstreamUnavailable() {
		assertProblem(new ConnectException("Connection refused: orders/10.0.0.7:8080"), HttpStatus.BAD_GATEWAY,
				"downstream_unavailable");
	}

	@Test
	void handleWhenConnectExceptionIsTheCauseThenDownstreamUnavailable() {
		MockServerHttpResponse response = handle(
				new IllegalStateException("wrapped", new ConnectException("Connection refused: 10.0.0.7")));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
		assertThat(response.getBodyAsString().block()).contains("\"code\":\"downstream_unavailable\"")
			.doesNotContain("10.0.0.7");
	}

	@Test
	void handleWhenTimeoutExceptionThenDownstreamTimeout() {
		assertProblem(new TimeoutException("Did not observe any item within 5000ms"), HttpStatus.GATEWAY_TIMEOUT,
				"downstream_timeout");
	}

	@Test
	void handleWhenNettyReadTimeoutThenDownstreamTimeout() {
		assertProblem(ReadTimeoutException.INSTANCE, HttpStatus.GATEWAY_TIMEOUT, "downstream_timeout");
	}

	@Test
	void handleWhenGatewayTimeoutStatusThenDownstreamTimeout() {
		assertProblem(new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT), HttpStatus.GATEWAY_TIMEOUT,
				"downstream_timeout");
	}

	@Test
	void handleWhenUnexpectedExceptionThenInternalErrorWithoutItsMessage() {
		MockServerHttpResponse response = handle(new RuntimeException("secret SQL text: select * from member"));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		String body = response.getBodyAsString().block();
		assertThat(body).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
				+ "\"detail\":\"The gateway could not process the request.\",\"code\":\"internal_error\"}");
		assertThat(body).doesNotContain("secret");
	}

	@Test
	void handleWhenAccessDeniedThenItsOwnCodeAndChallenge() {
		MockServerHttpResponse response = handle(new AccessDeniedException(FailureCode.TOKEN_MISSING));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"tenantgate\"");
	}

	@Test
	void handleWhenResponseCommittedThenErrorPropagated() {
		this.exchange.getResponse().setComplete().block();
		RuntimeException ex = new RuntimeException("late failure");
		StepVerifier.create(this.handler.handle(this.exchange, ex)).expectErrorMatches((e) -> e == ex).verify();
	}

	private MockServerHttpResponse handle(Throwable ex) {
		this.handler.handle(this.exchange, ex).block();
		return this.exchange.getResponse();
	}

	private void assertProblem(Throwable ex, HttpStatus status, String code) {
		MockServerHttpResponse response = handle(ex);
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getBodyAsString().block()).contains("\"status\":" + status.value() + ",")
			.contains("\"code\":\"" + code + "\"");
	}

}
