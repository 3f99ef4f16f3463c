package dev.tenantgate.filter;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.tenantgate.policy.Identity;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityHeadersTests {

	/** Spring Cloud Gateway's hop-by-hop headers (RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST). */
	private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "transfer-encoding", "te",
			"trailer", "proxy-authorization", "proxy-authenticate", "x-application-context", "upgrade");

	private final IdentityHeaders identityHeaders = new IdentityHeaders("X-User-Id", "X-Organization-Id",
			"X-Org-Role", "X-Platform-Role", new HeaderHygiene(concat(List.of("Forwarded"), HOP_BY_HOP),
					List.of("X-Tenantgate-", "X-Forwarded-"), true));

	@Test
	void clientSentIdentityHeadersAreDroppedWhateverTheirSpelling() {
		HttpHeaders input = headers("x-user-id", "forged", "X_ORGANIZATION_ID", "forged", "X-Org_Role", "owner",
				"x-platform-role", "superadmin", "X-TENANTGATE-Debug", "1", "Accept", "application/json",
				"X-Userid", "kept: not an identity header");

		HttpHeaders downstream = this.identityHeaders.forDownstream(input, null);

		assertThat(downstream.headerNames()).containsExactlyInAnyOrder("Accept", "X-Userid");
		assertThat(input.headerNames()).hasSize(7);
	}

	@Test
	void theAuthorizedIdentityReplacesWhatTheClientSent() {
		HttpHeaders input = headers("X-User-Id", "forged", "x-org-role", "owner", "Accept", "*/*");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		HttpHeaders downstream = this.identityHeaders.forDownstream(input, identity);

		assertThat(downstream.get("X-User-Id")).containsExactly("user-1");
		assertThat(downstream.get("X-Organization-Id")).containsExactly("acme");
		assertThat(downstream.get("X-Org-Role")).containsExactly("staff");
		assertThat(downstream.get("X-Platform-Role")).containsExactly("user");
		assertThat(downstream.getFirst("Accept")).isEqualTo("*/*");
		assertThat(input.getFirst("X-User-Id")).isEqualTo("forged");
	}

	@Test
	void theClientsOtherHeadersAreCopiedWithEveryValueAndTheirSpelling() {
		HttpHeaders input = headers("Accept", "text/html", "accept", "application/json", "X-Request-Id", "r-1",
				"x-user-id", "forged");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		HttpHeaders downstream = this.identityHeaders.forDownstream(input, identity);
		downstream.add("Accept", "*/*");

		assertThat(downstream.headerNames()).containsExactlyInAnyOrder("Accept", "X-Request-Id", "X-User-Id",
				"X-Organization-Id", "X-Org-Role", "X-Platform-Role");
		assertThat(downstream.get("accept")).containsExactly("text/html", "application/json", "*/*");
		assertThat(input.get("Accept")).containsExactly("text/html", "application/json");
		assertThat(downstream.get("X-User-Id")).containsExactly("user-1");
	}

	@Test
	void headersKeptAsSpelledByTheServerAreCopiedOnceWithEveryValue() {
		// Netty keeps each spelling of a name: the backing map lists "Accept" and "accept", each with all values.
		DefaultHttpHeaders netty = new DefaultHttpHeaders();
		netty.add("Accept", "text/html");
		netty.add("accept", "application/json");
		netty.add("X-User-Id", "forged");
		netty.add("x_user_id", "forged too");
		netty.add("X-Request-Id", "r-1");
		HttpHeaders input = new HttpHeaders(new Netty4HeadersAdapter(netty));
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		HttpHeaders downstream = this.identityHeaders.forDownstream(input, identity);

		assertThat(downstream.headerNames()).hasSize(6);
		assertThat(downstream.get("ACCEPT")).containsExactly("text/html", "application/json");
		assertThat(downstream.get("X-User-Id")).containsExactly("user-1");
		assertThat(downstream.get("x_user_id")).isNull();
		assertThat(downstream.getFirst("x-request-id")).isEqualTo("r-1");
		assertThat(this.identityHeaders.forDownstream(input, null).headerNames())
			.containsExactlyInAnyOrder("Accept", "X-Request-Id");
	}

	@Test
	void furtherNamesAndPrefixesAreDroppedInTheSamePass() {
		HttpHeaders input = headers("Forwarded", "for=203.0.113.9", "X-Forwarded-For", "203.0.113.9",
				"x_forwarded_host", "evil.example", "X-FORWARDED-PROTO", "https", "X-Forwardedfor", "kept",
				"Forwarded-Kept", "kept", "Accept", "*/*");

		assertThat(this.identityHeaders.forDownstream(input, null).headerNames())
			.containsExactlyInAnyOrder("X-Forwardedfor", "Forwarded-Kept", "Accept");
		assertThat(this.identityHeaders
			.forDownstream(input, new Identity("user-1", "acme", Set.of("staff"), Set.of("user")))
			.headerNames()).containsExactlyInAnyOrder("X-Forwardedfor", "Forwarded-Kept", "Accept", "X-User-Id",
					"X-Organization-Id", "X-Org-Role", "X-Platform-Role");
	}

	@Test
	void withoutFurtherNamesOrPrefixesOnlyIdentityHeadersAreDropped() {
		IdentityHeaders identityOnly = new IdentityHeaders("X-User-Id", "X-Organization-Id", "X-Org-Role",
				"X-Platform-Role", HeaderHygiene.none());
		HttpHeaders input = headers("Forwarded", "for=192.0.2.1", "X-Forwarded-For", "192.0.2.1", "X-User-Id", "f",
				"Keep-Alive", "timeout=5", "Content-Type", "application/grpc");

		assertThat(identityOnly.forDownstream(input, null).headerNames())
			.containsExactlyInAnyOrder("Forwarded", "X-Forwarded-For", "Keep-Alive", "Content-Type");
	}

	@Test
	void connectionAndTheHeadersItNamesAreDroppedBeforeTheIdentityIsSet() {
		HttpHeaders input = headers("Connection", "keep-alive, X-User-Id", "connection", " x-org-role ,X-Trace",
				"X-Trace", "hop", "X-Kept", "end-to-end", "X-Org-Role", "owner");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		HttpHeaders downstream = this.identityHeaders.forDownstream(input, identity);

		assertThat(downstream.headerNames()).containsExactlyInAnyOrder("X-Kept", "X-User-Id", "X-Organization-Id",
				"X-Org-Role", "X-Platform-Role");
		assertThat(downstream.get("X-User-Id")).containsExactly("user-1");
		assertThat(downstream.get("X-Org-Role")).containsExactly("staff");
	}

	@Test
	void hopByHopHeadersAreDroppedOnEveryRoute() {
		HttpHeaders input = headers("Keep-Alive", "timeout=5", "Proxy-Authorization", "Basic Z2F0ZTpzZWNyZXQ=",
				"TE", "gzip", "Transfer_Encoding", "chunked", "Upgrade", "h2c", "trailer", "Expires",
				"X-Application-Context", "app", "Proxy-Connection", "kept: not in the list", "Accept", "*/*");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		assertThat(this.identityHeaders.forDownstream(input, null).headerNames())
			.containsExactlyInAnyOrder("Proxy-Connection", "Accept");
		assertThat(this.identityHeaders.forDownstream(input, identity).headerNames()).containsExactlyInAnyOrder(
				"Proxy-Connection", "Accept", "X-User-Id", "X-Organization-Id", "X-Org-Role", "X-Platform-Role");
	}

	@Test
	void grpcRequestsGetTeTrailersInPlaceOfTheClientsTe() {
		HttpHeaders grpc = headers("Content-Type", "Application/GRPC+proto", "te", "gzip, trailers");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		assertThat(this.identityHeaders.forDownstream(grpc, null).get("TE")).containsExactly("trailers");
		assertThat(this.identityHeaders.forDownstream(grpc, identity).get("te")).containsExactly("trailers");
		HttpHeaders json = headers("Content-Type", "application/json", "te", "trailers");
		assertThat(this.identityHeaders.forDownstream(json, identity).get("te")).isNull();
		HttpHeaders grpcWithoutTe = headers("Content-Type", "application/grpc");
		assertThat(this.identityHeaders.forDownstream(grpcWithoutTe, null).get("te")).containsExactly("trailers");
	}

	// issue-26
	@Test
	void credentialsAreDroppedOnlyWhenWithheld() {
		HttpHeaders input = headers("Authorization", "Bearer x", "cookie", "session=1", "COOKIE", "b=2", "Accept", "*/*");
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));

		assertThat(this.identityHeaders.forDownstream(input, null, true).headerNames()).containsExactly("Accept");
		assertThat(this.identityHeaders.forDownstream(input, identity, true).headerNames())
			.containsExactlyInAnyOrder("Accept", "X-User-Id", "X-Organization-Id", "X-Org-Role", "X-Platform-Role");
		assertThat(this.identityHeaders.forDownstream(input, null, false)).isSameAs(input);
		assertThat(this.identityHeaders.forDownstream(input, identity, false).get("cookie"))
			.containsExactly("session=1", "b=2");
	}

	/** Many headers are copied from Netty's own store, to the same result as through Spring's view of it. */
	// issue-26
	@Test
	void manyHeadersAreCopiedFromTheServersStoreAsThroughSpringsView() {
		DefaultHttpHeaders netty = new DefaultHttpHeaders();
		for (int i = 0; i < 100; i++) {
			netty.add("X-Header-" + i, "v" + i);
		}
		netty.add("Accept", "text/html");
		netty.add("accept", "application/json");
		netty.add("Accept", "*/*");
		netty.add("X_User_Id", "forged");
		netty.add("Connection", "keep-alive, X_Header_7");
		netty.add("Cookie", "session=1");
		netty.add("Content-Type", "application/grpc");
		HttpHeaders input = new HttpHeaders(new Netty4HeadersAdapter(netty));
		Identity identity = new Identity("user-1", "acme", Set.of("staff"), Set.of("user"));
		for (Identity who : java.util.Arrays.asList(identity, null)) {
			for (boolean withhold : List.of(true, false)) {
				HttpHeaders fromNetty = this.identityHeaders.forDownstream(netty, input, who, withhold);
				HttpHeaders throughSpring = this.identityHeaders.forDownstream(input, who, withhold);
				assertThat(fromNetty).isNotSameAs(input);
				assertThat(fromNetty.headerNames()).containsExactlyInAnyOrderElementsOf(throughSpring.headerNames())
					.doesNotContain("X-Header-7", "Connection", "X_User_Id");
				for (String name : throughSpring.headerNames()) {
					assertThat(fromNetty.get(name)).as(name).isEqualTo(throughSpring.get(name));
				}
			}
		}
		assertThat(this.identityHeaders.forDownstream(netty, input, null, false).get("accept"))
			.containsExactly("text/html", "application/json", "*/*");
	}

	@Test
	void headersWithoutAValueAreLeftOut() {
		Identity identity = new Identity("user-1", null, Set.of(), Set.of("user"));

		HttpHeaders downstream = this.identityHeaders.forDownstream(headers("X-Organization-Id", "forged"), identity);

		assertThat(downstream.headerNames()).containsExactlyInAnyOrder("X-User-Id", "X-Platform-Role");
	}

	@Test
	void nothingToDropOrAddLeavesTheHeadersAsTheyAre() {
		HttpHeaders input = headers("Accept", "*/*", "Authorization", "Bearer x");

		assertThat(this.identityHeaders.forDownstream(input, null)).isSameAs(input);
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).toList();
	}

	private static HttpHeaders headers(String... namesAndValues) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

}
