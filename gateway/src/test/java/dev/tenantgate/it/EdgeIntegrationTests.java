package dev.tenantgate.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.RawHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tenantgate.it.AttackIntegrationTests.expectRawProblem;
import static dev.tenantgate.it.AttackIntegrationTests.namesOf;
import static dev.tenantgate.it.AttackIntegrationTests.valuesOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge closed by default (issue 26): what a client sends about the method, the URL, the connection and its
 * credentials, as the services behind the gateway would read it.
 */
@DirtiesContext
class EdgeIntegrationTests extends GatewayIntegrationTestSupport {

	static String org;

	static String viewer;

	@Autowired
	MeterRegistry meterRegistry;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.routes-file=classpath:routes-edge-it.yml");
	}

	@BeforeEach
	void seedOnce() {
		if (org == null) {
			org = fixtures.organization();
			viewer = fixtures.user("user");
			fixtures.member(viewer, org, "viewer");
		}
	}

	/**
	 * Rails, Laravel, Express's method-override, ASP.NET, IIS and Symfony honour some of these headers: a viewer's
	 * POST, which the route allows, would run as an owner-only DELETE, or on another path.
	 */
	// issue-26
	@Test
	void methodAndUrlOverrideHeadersNeverReachTheDownstream() {
		List<String> overrides = List.of("X-HTTP-Method-Override: DELETE", "x-http-method: DELETE",
				"X_Method_Override: DELETE", "X-ORIGINAL-URL: /api/orgs/other/orders/1", "x_rewrite_url: /admin",
				"X-Http_Method-OVERRIDE: PUT");
		List<String> authorized = new ArrayList<>(overrides);
		authorized.add(viewerAuthorization());
		RawHttp.Response response = RawHttp.send(this.port, "POST", "/api/orgs/" + org + "/orders/1", authorized);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		expectNoOverrideHeaderDownstream();
		wireMock.resetRequests();
		response = RawHttp.send(this.port, "POST", "/api/status", overrides);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		expectNoOverrideHeaderDownstream();
	}

	/** Django and ASP.NET run {@code delete} as a DELETE; a rule keyed by DELETE must see it, so it is refused. */
	// issue-26
	@Test
	void methodsThatAreNotUpperCaseTokensAreRefusedBeforeRouting() {
		for (String method : List.of("delete", "Delete", "dELETE", "get", "Propfind", "M-search", "X_1.a")) {
			expectRawProblem(RawHttp.send(this.port, method, "/api/orgs/" + org + "/orders/1",
					List.of(viewerAuthorization())), 400, "method_invalid");
			expectRawProblem(RawHttp.send(this.port, method, "/api/nowhere", List.of()), 400, "method_invalid");
		}
		// Netty refuses a request line whose method is no token at all before the gateway sees it.
		for (String method : List.of("M(ETHOD", "BREW\u00c9")) {
			RawHttp.Response notAToken = RawHttp.send(this.port, method, "/api/orgs/" + org + "/orders/1",
					List.of(viewerAuthorization()));
			assertThat(notAToken.status()).as(notAToken.toString()).isEqualTo(400);
		}
		assertThat(downstreamRequests()).isEmpty();
	}

	// issue-26
	@Test
	void theWildcardRuleCoversTheStandardMethodsOnly() {
		String anything = "/api/orgs/" + org + "/anything/1";
		for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
			RawHttp.Response response = RawHttp.send(this.port, method, anything, List.of(viewerAuthorization()));
			assertThat(response.status()).as(method + " " + response).isEqualTo(200);
		}
		wireMock.resetRequests();
		for (String method : List.of("TRACE", "PROPFIND", "BREW", "M-SEARCH")) {
			expectRawProblem(RawHttp.send(this.port, method, anything, List.of(viewerAuthorization())), 405,
					"method_not_allowed");
		}
		RawHttp.Response listed = RawHttp.send(this.port, "PROPFIND", "/api/orgs/" + org + "/orders/1",
				List.of(viewerAuthorization()));
		assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
	}

	/** Every method a client invents would otherwise be a meter series of its own. */
	// issue-26
	@Test
	void customMethodsShareOneMeterTag() {
		for (int i = 0; i < 5; i++) {
			RawHttp.send(this.port, "BREW" + i, "/api/orgs/" + org + "/anything/1", List.of(viewerAuthorization()));
		}
		RawHttp.send(this.port, "GET", "/api/status", List.of());
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Set<String> methods = requestMeterMethods();
		while (!(methods.contains("OTHER") && methods.contains("GET")) && System.nanoTime() < deadline) {
			Thread.onSpinWait();
			methods = requestMeterMethods();
		}
		assertThat(methods).contains("OTHER", "GET").noneMatch((method) -> method.startsWith("BREW"));
	}

	/** The names {@code Connection} lists are removed from the request: a client needs one or two, not thousands. */
	// issue-26
	@Test
	void aConnectionHeaderNamingMoreThan32HeadersIsABadRequest() {
		// RawHttp adds "Connection: close": 31 names and close are 32.
		String names31 = IntStream.range(0, 31).mapToObj((i) -> "X-Hop-" + i).collect(Collectors.joining(", "));
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/status",
				List.of("Connection: " + names31, "X-Hop-1: hop", "X-Kept: end-to-end"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(namesOf(TenantAuthorizationIntegrationTests.onlyDownstreamRequest())).contains("x-kept")
			.doesNotContain("x-hop-1");
		wireMock.resetRequests();
		expectRawProblem(RawHttp.send(this.port, "GET", "/api/status", List.of("Connection: " + names31 + ", X-Hop-31")),
				400, "connection_header_invalid");
		expectRawProblem(RawHttp.send(this.port, "GET", "/api/status",
				List.of("Connection: " + names31, "Connection: x-one-more")), 400, "connection_header_invalid");
	}

	// issue-26
	@Test
	void publicRulesReachTheirServiceWithoutTheClientsCredentials() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/status",
				List.of(viewerAuthorization(), "Cookie: session=secret", "cookie: other=1", "X-Kept: 1"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).contains("x-kept").doesNotContain("authorization", "cookie");
	}

	// issue-26
	@Test
	void authenticatedRulesReachTheirServiceWithTheClientsCredentials() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + org + "/orders/1",
				List.of(viewerAuthorization(), "Cookie: session=secret"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(valuesOf(request, "authorization")).containsExactly(viewerAuthorization().substring(15));
		assertThat(valuesOf(request, "cookie")).containsExactly("session=secret");
	}

	// issue-26
	@Test
	void forwardCredentialsDecidesForItsRoute() {
		RawHttp.Response withheld = RawHttp.send(this.port, "GET", "/api/orgs/" + org + "/withheld",
				List.of(viewerAuthorization(), "Cookie: session=secret"));
		assertThat(withheld.status()).as(withheld.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).contains("x-user-id").doesNotContain("authorization", "cookie");
		wireMock.resetRequests();
		RawHttp.Response forwarded = RawHttp.send(this.port, "GET", "/api/session",
				List.of("Authorization: Bearer opaque", "Cookie: session=secret"));
		assertThat(forwarded.status()).as(forwarded.toString()).isEqualTo(200);
		request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(valuesOf(request, "authorization")).containsExactly("Bearer opaque");
		assertThat(valuesOf(request, "cookie")).containsExactly("session=secret");
	}

	private Set<String> requestMeterMethods() {
		return this.meterRegistry.find("spring.cloud.gateway.requests")
			.timers()
			.stream()
			.map((Timer timer) -> timer.getId().getTag("httpMethod"))
			.collect(Collectors.toSet());
	}

	private static void expectNoOverrideHeaderDownstream() {
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(request.getMethod().value()).isEqualTo("POST");
		assertThat(namesOf(request)).as("headers the downstream received")
			.isNotEmpty()
			.map((name) -> name.replace('_', '-').toLowerCase(Locale.ROOT))
			.doesNotContain("x-http-method-override", "x-http-method", "x-method-override", "x-original-url",
					"x-rewrite-url");
	}

	private static String viewerAuthorization() {
		return "Authorization: Bearer " + tokens.token(viewer, org, "viewer");
	}

}
