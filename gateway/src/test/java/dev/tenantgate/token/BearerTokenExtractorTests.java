package dev.tenantgate.token;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BearerTokenExtractorTests {

	private static final String TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1MSJ9.c2ln-_~+/==";

	private final BearerTokenExtractor extractor = new BearerTokenExtractor(64);

	@Test
	void extractWhenBearerTokenThenReturned() {
		assertThat(extract("Bearer " + TOKEN)).isEqualTo(TOKEN);
	}

	@Test
	void extractWhenSchemeLowercaseThenAccepted() {
		assertThat(extract("bearer " + TOKEN)).isEqualTo(TOKEN);
	}

	@Test
	void extractWhenNoAuthorizationHeaderThenTokenMissing() {
		assertFailure(MockServerHttpRequest.get("/api/me").build(), FailureCode.TOKEN_MISSING);
	}

	@Test
	void extractWhenTwoAuthorizationHeadersThenInvalidRequest() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/api/me")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN, "Bearer " + TOKEN)
			.build();
		assertFailure(request, FailureCode.INVALID_REQUEST);
	}

	@Test
	void extractWhenBasicSchemeThenTokenMissing() {
		assertFailure(withAuthorization("Basic dXNlcjpwYXNz"), FailureCode.TOKEN_MISSING);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer", "Bearer ", "Bearer  " + TOKEN, "Bearer a b", "Bearer a\"b", "Bearer a=b",
			"Bearer a,b", "Bearer\t" + TOKEN, "Bearertoken", "Bearer " + TOKEN + " ", "Bearer tok\u00e9n" })
	void extractWhenTokenMalformedThenTokenInvalid(String header) {
		assertFailure(withAuthorization(header), FailureCode.TOKEN_INVALID);
	}

	@Test
	void extractWhenTokenAtMaximumLengthThenAccepted() {
		String token = "a".repeat(64);
		assertThat(extract("Bearer " + token)).isEqualTo(token);
	}

	@Test
	void extractWhenTokenTooLongThenTokenInvalid() {
		AccessDeniedException ex = assertFailure(withAuthorization("Bearer " + "a".repeat(65)), FailureCode.TOKEN_INVALID);
		assertThat(ex.detail()).isEqualTo("The bearer token is too large.");
	}

	private String extract(String header) {
		return this.extractor.extract(withAuthorization(header));
	}

	private static MockServerHttpRequest withAuthorization(String header) {
		return MockServerHttpRequest.get("/api/me").header(HttpHeaders.AUTHORIZATION, header).build();
	}

	private AccessDeniedException assertFailure(MockServerHttpRequest request, FailureCode code) {
		return assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> this.extractor.extract(request))
			.matches((ex) -> ex.failureCode() == code, "failure code " + code)
			.actual();
	}

}
