package dev.tenantgate.problem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProblemResponseWriterTests {

	private final ProblemResponseWriter writer = new ProblemResponseWriter("tenantgate", Duration.ofSeconds(5));

	private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/orgs/acme"));

	@Test
	void writeWhenTokenMissingThenChallengeWithoutErrorAndProblemBody() {
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.TOKEN_MISSING));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getHeaders().get(HttpHeaders.WWW_AUTHENTICATE)).containsExactly("Bearer realm=\"tenantgate\"");
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getHeaders().getCacheControl()).isEqualTo("no-store");
		assertThat(response.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
		assertThat(response.getBodyAsString().block()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unauthorized\","
				+ "\"status\":401,\"detail\":\"A bearer token is required.\",\"code\":\"token_missing\"}");
	}

	@Test
	void writeWhenTokenInvalidThenInvalidTokenChallengeWithDetail() {
		MockServerHttpResponse response = write(
				new AccessDeniedException(FailureCode.TOKEN_INVALID, "The token's signature is invalid."));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(
				"Bearer realm=\"tenantgate\", error=\"invalid_token\", error_description=\"The token's signature is invalid.\"");
		assertThat(body(response)).containsEntry("code", "token_invalid")
			.containsEntry("detail", "The token's signature is invalid.")
			.containsEntry("status", 401);
	}

	@Test
	void writeWhenOrganizationClaimMissingThenInvalidTokenChallengeNamingTheClaim() { // issue-26
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.ORGANIZATION_CLAIM_MISSING,
				"The bearer token has no organizationId claim, which this route requires."));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(
				"Bearer realm=\"tenantgate\", error=\"invalid_token\", error_description=\"The bearer token has no "
						+ "organizationId claim, which this route requires.\"");
		assertThat(body(response)).containsEntry("code", "organization_claim_missing").containsEntry("status", 401);
	}

	@Test
	void writeWhenTooManyOrganizationsThenTooManyRequestsWithoutChallenge() { // issue-26
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.TOO_MANY_ORGANIZATIONS));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(response.getHeaders().containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
		assertThat(body(response)).containsEntry("code", "too_many_organizations").containsEntry("status", 429);
	}

	@Test
	void writeWhenTokenExpiredThenInvalidTokenChallenge() {
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.TOKEN_EXPIRED));
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(
				"Bearer realm=\"tenantgate\", error=\"invalid_token\", error_description=\"The bearer token has expired.\"");
		assertThat(body(response)).containsEntry("code", "token_expired");
	}

	@Test
	void writeWhenInvalidRequestThenBadRequestWithInvalidRequestChallenge() {
		MockServerHttpResponse response = write(
				new AccessDeniedException(FailureCode.INVALID_REQUEST, "Found multiple Authorization headers."));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"tenantgate\", "
				+ "error=\"invalid_request\", error_description=\"Found multiple Authorization headers.\"");
	}

	@Test
	void writeWhenForbiddenThenNoChallenge() {
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.TENANT_MISMATCH));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(response.getHeaders().containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
		assertThat(response.getBodyAsString().block()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Forbidden\","
				+ "\"status\":403,\"detail\":\"The token is not valid for this organization.\",\"code\":\"tenant_mismatch\"}");
	}

	@Test
	void writeWhenServiceUnavailableThenRetryAfterAndNoChallenge() {
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.KEYS_UNAVAILABLE));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("5");
		assertThat(response.getHeaders().containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
		assertThat(body(response)).containsEntry("code", "keys_unavailable");
	}

	@Test
	void writeWhenRetryAfterBelowOneSecondThenOneSecond() {
		ProblemResponseWriter writer = new ProblemResponseWriter("tenantgate", Duration.ofMillis(200));
		writer.write(this.exchange, new AccessDeniedException(FailureCode.ROLE_UNAVAILABLE)).block();
		assertThat(this.exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
	}

	@Test
	void writeWhenDetailHasQuotesAndNewlinesThenEscapedInJsonAndDefaultInHeader() {
		String detail = "bad \"token\"\r\nX-Injected: yes \\ caf\u00e9";
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.TOKEN_INVALID, detail));
		assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(
				"Bearer realm=\"tenantgate\", error=\"invalid_token\", error_description=\"The bearer token is invalid.\"");
		assertThat(response.getHeaders().containsHeader("X-Injected")).isFalse();
		String body = response.getBodyAsString().block();
		assertThat(body).contains("\"detail\":\"bad \\\"token\\\"\\r\\nX-Injected: yes \\\\ caf\u00e9\"");
		assertThat(new JsonMapper().readValue(body, Map.class)).containsEntry("detail", detail);
		assertThat(response.getHeaders().getContentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
	}

	@Test
	void writeWhenControlCharacterInDetailThenUnicodeEscaped() {
		String detail = "a\u0001b\u2028c\u2029d";
		MockServerHttpResponse response = write(new AccessDeniedException(FailureCode.BAD_REQUEST, detail));
		String body = response.getBodyAsString().block();
		assertThat(body).contains("\"detail\":\"a\\u0001b\\u2028c\\u2029d\"");
		assertThat(new JsonMapper().readValue(body, Map.class)).containsEntry("detail", detail);
	}

	@Test
	void writeWhenNotSubscribedThenNothingWritten() {
		this.writer.write(this.exchange, new AccessDeniedException(FailureCode.TOKEN_MISSING));
		MockServerHttpResponse response = this.exchange.getResponse();
		assertThat(response.getStatusCode()).isNull();
		assertThat(response.getHeaders().isEmpty()).isTrue();
		assertThat(response.isCommitted()).isFalse();
	}

	@Test
	void writeWhenResponseAlreadyCommittedThenLeftAlone() {
		MockServerHttpResponse response = this.exchange.getResponse();
		response.setStatusCode(HttpStatus.OK);
		response.setComplete().block();
		this.writer.write(this.exchange, new AccessDeniedException(FailureCode.TOKEN_MISSING)).block();
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getHeaders().containsHeader(HttpHeaders.WWW_AUTHENTICATE)).isFalse();
	}

	@Test
	void constructorWhenRealmNotHeaderSafeThenIllegalArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProblemResponseWriter("a\"b", Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(() -> new ProblemResponseWriter("a\r\nb", Duration.ofSeconds(1)));
	}

	private MockServerHttpResponse write(AccessDeniedException failure) {
		this.writer.write(this.exchange, failure).block();
		return this.exchange.getResponse();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(MockServerHttpResponse response) {
		return new JsonMapper().readValue(response.getBodyAsString().block(), Map.class);
	}

}
