package dev.tenantgate.it;

import java.net.URI;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path tricks against tenant and route matching. Every request either is refused, or reaches the downstream with
 * exactly the caller's own tenant, on a route the caller's role allows, at the normalized path.
 */
class PathNormalizationIntegrationTests extends GatewayIntegrationTestSupport {

	static String orgA;

	static String orgB;

	static String viewerA;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
	}

	WebTestClient.ResponseSpec get(String rawPath) {
		if (orgA == null) {
			orgA = fixtures.organization();
			orgB = fixtures.organization();
			viewerA = fixtures.user("user");
			fixtures.member(viewerA, orgA, "viewer");
		}
		String path = rawPath.replace("{A}", orgA).replace("{B}", orgB);
		return this.client.get()
			.uri(URI.create("http://127.0.0.1:" + this.port + path))
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.token(viewerA, orgA, "viewer")))
			.exchange();
	}

	void expectProxiedTo(String rawPath, String expectedDownstreamPath) {
		get(rawPath).expectStatus().isOk();
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(request.getUrl()).isEqualTo(expectedDownstreamPath.replace("{A}", orgA));
		assertThat(request.getHeaders().getHeader("X-Organization-Id").firstValue()).isEqualTo(orgA);
	}

	void expectRefused(String rawPath, int status, String code) {
		TenantAuthorizationIntegrationTests.expectProblem(get(rawPath), status, code);
	}

	@Test
	void dotSegmentsIntoAnotherTenantAreResolvedBeforeTheTenantCheck() {
		expectRefused("/api/orgs/{A}/../{B}/orders", 403, "tenant_mismatch");
		expectRefused("/api/orgs/{A}/%2e%2e/{B}/orders", 403, "tenant_mismatch");
		expectRefused("/api/orgs/{A}/%2E%2E/{B}/orders", 403, "tenant_mismatch");
		expectRefused("/api/orgs/{A};/../{B}/orders", 403, "tenant_mismatch");
	}

	@Test
	void dotSegmentsBackIntoTheOwnTenantReachTheNormalizedPath() {
		expectProxiedTo("/api/orgs/{B}/../{A}/orders", "/api/orgs/{A}/orders");
		wireMock.resetRequests();
		expectProxiedTo("/api/orgs/{A}/./orders/./7", "/api/orgs/{A}/orders/7");
	}

	@Test
	void dotSegmentsCannotReachAStricterRouteThroughALooserOne() {
		expectRefused("/api/orgs/{A}/orders/../../../admin/users", 403, "role_insufficient");
		expectRefused("/api/orgs/{A}/orders/../billing/x", 403, "role_insufficient");
	}

	@Test
	void encodedSlashesAndDoubleEncodingAreRefused() {
		expectRefused("/api/orgs/{A}%2F..%2F{B}/orders", 400, "path_invalid");
		expectRefused("/api/orgs/{A}/orders/..%2f..%2fadmin", 400, "path_invalid");
		expectRefused("/api/orgs/{A}%252F/orders", 400, "path_invalid");
		expectRefused("/api/orgs/{A}/orders%5c..%5cx", 400, "path_invalid");
		expectRefused("/api/orgs/{A}/orders/%00", 400, "path_invalid");
		expectRefused("/api/orgs/{A}/../../../..", 400, "path_invalid");
	}

	@Test
	void emptySegmentsMatrixParametersAndTrailingSlashesAreNormalized() {
		expectProxiedTo("//api//orgs//{A}//orders", "/api/orgs/{A}/orders");
		wireMock.resetRequests();
		expectProxiedTo("/api/orgs/{A};jsessionid=x/orders;v=1", "/api/orgs/{A}/orders");
		wireMock.resetRequests();
		expectProxiedTo("/api/orgs/{A}/orders/", "/api/orgs/{A}/orders");
	}

	@Test
	void routeMatchingIsCaseSensitive() {
		expectRefused("/API/orgs/{A}/orders", 404, "route_not_found");
		expectRefused("/api/ORGS/{A}/orders", 404, "route_not_found");
	}

	@Test
	void lookAlikeTenantIdsAreRefused() {
		// Cyrillic "а" (U+0430) in place of a Latin "a": never the same tenant, and not a valid id at all.
		expectRefused("/api/orgs/%D0%B0{A}/orders", 400, "path_invalid");
		expectRefused("/api/orgs/%EF%BC%A1/orders", 400, "path_invalid");
	}

}
