package dev.tenantgate.it;

import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tenantgate.it.AttackIntegrationTests.expectRawProblem;
import static dev.tenantgate.it.AttackIntegrationTests.namesOf;
import static dev.tenantgate.it.AttackIntegrationTests.valuesOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a proxy in front trusted ({@code trusted-proxies}: 127.0.0.1 here), its forwarding headers count, and must
 * be well-formed; those of any other address (127.0.0.2, another loopback address) are removed, in every spelling.
 * On Kubernetes too: the platform changes nothing.
 */
@DirtiesContext
class TrustedProxyIntegrationTests extends GatewayIntegrationTestSupport {

	static final String PROXY = "127.0.0.1";

	static final String CLIENT = "127.0.0.2";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.main.cloud-platform=kubernetes",
				"spring.cloud.gateway.server.webflux.trusted-proxies=127\\.0\\.0\\.1");
	}

	// issue-26
	@Test
	void malformedForwardingHeadersFromTheTrustedProxyAreABadRequest() {
		for (String malformed : List.of("X-Forwarded-Prefix: no-leading-slash", "X-Forwarded-Prefix: /a, b",
				"x-forwarded-prefix: /a b", "X-Forwarded-Port: 0", "X-Forwarded-Port: 65536", "X-Forwarded-Port: https",
				"X-Forwarded-Proto: ht tp", "X-Forwarded-Host: evil.example/path", "X-Forwarded-For: 203.0.113.9;x",
				"Forwarded: for", "Forwarded: for=\"unclosed", "Forwarded: for=a b", "Forwarded: =x", "Forwarded: ")) {
			expectRawProblem(RawHttp.sendFrom(PROXY, this.port, "GET", "/api/status", List.of(malformed)), 400,
					"forwarded_header_invalid");
		}
	}

	// issue-26
	@Test
	void wellFormedForwardingHeadersFromTheTrustedProxyReachTheDownstream() {
		RawHttp.Response response = RawHttp.sendFrom(PROXY, this.port, "GET", "/api/status",
				List.of("X-Forwarded-For: 203.0.113.9, 2001:db8::1", "X-Forwarded-Proto: https",
						"X-Forwarded-Host: shop.example:8443", "X-Forwarded-Port: 8443", "X-Forwarded-Prefix: /shop",
						"Forwarded: for=203.0.113.9;proto=https, for=\"[2001:db8::1]:4711\";by=_proxy",
						"X_Forwarded_Host: evil.example", "x_forwarded_for: 198.51.100.1"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		// Spring Cloud Gateway passes on the X-Forwarded-For (and Forwarded "for") entries that are trusted proxies
		// themselves, and adds the proxy's address.
		assertThat(String.join(",", valuesOf(request, "x-forwarded-for"))).contains(PROXY).doesNotContain("198.51.100.1");
		assertThat(String.join(",", valuesOf(request, "x-forwarded-prefix"))).startsWith("/shop");
		assertThat(String.join(",", valuesOf(request, "x-forwarded-host"))).contains("shop.example:8443")
			.doesNotContain("evil");
		assertThat(namesOf(request)).as("headers the downstream received")
			.doesNotContain("x_forwarded_host", "x_forwarded_for");
	}

	// issue-26
	@Test
	void forwardingHeadersFromAnUntrustedAddressNeverReachTheDownstream() {
		RawHttp.Response response = RawHttp.sendFrom(CLIENT, this.port, "GET", "/api/status",
				List.of("X-Forwarded-For: 203.0.113.9", "X-FORWARDED-HOST: evil.example", "X_Forwarded_Host: evil",
						"x_forwarded_proto: https", "Forwarded: for=203.0.113.9", "X-Forwarded-Prefix: no-slash",
						"X-Kept: 1"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).as("headers the downstream received")
			.contains("x-kept")
			.doesNotContain("x_forwarded_host", "x_forwarded_proto", "x-forwarded-prefix");
		// What Spring Cloud Gateway adds for the connection itself (the client's address, the gateway's host and
		// scheme), nothing of what the client said.
		for (String name : List.of("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto")) {
			assertThat(valuesOf(request, name)).as(name)
				.noneMatch((value) -> value.contains("203.0.113.9") || value.contains("evil") || value.contains("https"));
		}
	}

}
