package dev.tenantgate.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.RawHttp;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import dev.tenantgate.support.TestTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.tenantgate.it.TenantAuthorizationIntegrationTests.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks end to end through the running gateway. Every one is refused with the documented status and code, never
 * proxied, never answered with 200 or 500.
 */
@DirtiesContext
class AttackIntegrationTests extends GatewayIntegrationTestSupport {

	static String orgA;

	static String orgB;

	static String viewer;

	static StatefulRedisConnection<String, String> directRedis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
	}

	@BeforeEach
	void seedOnce() {
		if (orgA == null) {
			orgA = fixtures.organization();
			orgB = fixtures.organization();
			viewer = fixtures.user("user");
			fixtures.member(viewer, orgA, "viewer");
		}
	}

	@AfterAll
	static void disconnect() {
		if (directRedis != null) {
			directRedis.close();
			directRedis = null;
		}
	}

	@Test
	void unsignedAlgNoneTokenIsUnauthorized() {
		String kid = tokens.ed25519().getKeyID();
		for (String header : List.of("{\"alg\":\"none\"}", "{\"alg\":\"none\",\"kid\":\"" + kid + "\"}",
				"{\"alg\":\"None\",\"kid\":\"" + kid + "\"}", "{\"alg\":\"NONE\",\"kid\":\"" + kid + "\"}")) {
			String payload = ownerClaims(orgA).build().toString();
			expectUnauthorized(deleteOrder(b64(header) + "." + b64(payload) + "."), "token_invalid");
		}
	}

	@Test
	void hs256SignedWithThePublicKeyIsUnauthorized() throws JOSEException {
		RSAKey rsa = publicRsaKey();
		byte[] der = rsa.toRSAPublicKey().getEncoded();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
				+ "\n-----END PUBLIC KEY-----\n";
		Map<String, byte[]> secrets = Map.of(tokens.ed25519().getKeyID(), tokens.ed25519().getDecodedX(),
				rsa.getKeyID(), pem.getBytes(StandardCharsets.US_ASCII));
		for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
			for (JWSAlgorithm hmac : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
				if (secret.getValue().length * 8 < (hmac == JWSAlgorithm.HS512 ? 512 : 256)) {
					continue;
				}
				String token = TestTokens.sign(hmac, secret.getKey(), new MACSigner(secret.getValue()),
						ownerClaims(orgA)::claims);
				expectUnauthorized(deleteOrder(token), "token_invalid");
			}
		}
		String withDer = TestTokens.sign(JWSAlgorithm.HS256, rsa.getKeyID(), new MACSigner(der), ownerClaims(orgA)::claims);
		expectUnauthorized(deleteOrder(withDer), "token_invalid");
	}

	@Test
	void tokenSignedByAnotherKeyUnderTheRealKeyIdIsUnauthorized() throws JOSEException {
		OctetKeyPair impostor = new OctetKeyPairGenerator(Curve.Ed25519).generate();
		expectUnauthorized(deleteOrder(TestTokens.sign(JWSAlgorithm.EdDSA, tokens.ed25519().getKeyID(),
				TestTokens.signer(impostor), ownerClaims(orgA)::claims)), "token_invalid");
		RSAKey rsaImpostor = new RSAKeyGenerator(2048).generate();
		expectUnauthorized(deleteOrder(TestTokens.sign(JWSAlgorithm.RS256, publicRsaKey().getKeyID(),
				TestTokens.signer(rsaImpostor), ownerClaims(orgA)::claims)), "token_invalid");
	}

	@Test
	void keysNamedInTheTokenHeaderAreNeverTrusted() throws JOSEException {
		OctetKeyPair attacker = new OctetKeyPairGenerator(Curve.Ed25519).keyID(tokens.ed25519().getKeyID()).generate();
		String jkuPath = "/attacker/" + TestDatabase.newId() + "/jwks";
		wireMock.stubFor(get(urlEqualTo(jkuPath)).willReturn(okJson(new JWKSet(attacker.toPublicJWK()).toString())));
		JWSHeader embeddedJwk = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(attacker.getKeyID())
			.jwk(attacker.toPublicJWK())
			.build();
		expectUnauthorized(deleteOrder(sign(embeddedJwk, TestTokens.signer(attacker), ownerClaims(orgA))),
				"token_invalid");
		JWSHeader jku = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("attacker-" + TestDatabase.newId())
			.jwkURL(java.net.URI.create(wireMock.baseUrl() + jkuPath))
			.build();
		expectUnauthorized(deleteOrder(sign(jku, TestTokens.signer(attacker), ownerClaims(orgA))), "token_invalid");
		assertThat(wireMock.findAll(anyRequestedFor(urlEqualTo(jkuPath)))).as("the jku URL is never fetched").isEmpty();
	}

	@Test
	void unknownKeyIdIsUnauthorized() {
		expectUnauthorized(deleteOrder(TestTokens.sign(JWSAlgorithm.EdDSA, "kid-" + TestDatabase.newId(),
				TestTokens.signer(tokens.ed25519()), ownerClaims(orgA)::claims)), "token_invalid");
	}

	@Test
	void tokenOutsideItsTimeOrForAnotherPartyIsUnauthorized() {
		Instant now = Instant.now();
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims)
			.issueTime(Date.from(now.minus(Duration.ofHours(1))))
			.expirationTime(Date.from(now.minus(Duration.ofMinutes(1)))))), "token_expired");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims)
			.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5)))))), "token_invalid");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims).expirationTime(null))),
				"token_invalid");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims).issuer("http://evil.test"))),
				"token_invalid");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims).issuer(null))), "token_invalid");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims).audience("http://other.test"))),
				"token_invalid");
		expectUnauthorized(readOrders(tokens.ed25519((claims) -> viewerClaims(claims)
			.audience(List.of("http://other.test", "http://another.test")))), "token_invalid");
	}

	@Test
	void tamperedPayloadUnderTheOriginalSignatureIsUnauthorized() {
		String[] parts = tokens.token(viewer, orgA, "viewer").split("\\.");
		for (JWTClaimsSet forged : List.of(ownerClaims(orgA).build(), viewerClaims(new JWTClaimsSet.Builder())
			.issuer(TestTokens.ISSUER)
			.audience(TestTokens.AUDIENCE)
			.claim("organizationId", orgB)
			.expirationTime(Date.from(Instant.now().plusSeconds(600)))
			.build())) {
			String token = parts[0] + "." + b64(forged.toString()) + "." + parts[2];
			expectUnauthorized(deleteOrder(token), "token_invalid");
		}
	}

	@Test
	void malformedTokensAreUnauthorizedNeverAnError() {
		String valid = tokens.token(viewer, orgA, "viewer");
		String[] parts = valid.split("\\.");
		for (String token : List.of("x", "a.b", "a.b.c", "a.b.c.d.e", "....", ".", parts[0] + "." + parts[1],
				parts[0] + "." + parts[1] + ".", parts[1] + "." + parts[0] + "." + parts[2], valid + "." + parts[2],
				b64("{}") + "." + b64("{}") + ".", b64("[]") + "." + parts[1] + "." + parts[2],
				b64("{\"alg\":5}") + "." + parts[1] + "." + parts[2], b64("\"EdDSA\"") + "." + parts[1] + "." + parts[2],
				parts[0] + "." + b64("null") + "." + parts[2], parts[0] + ".." + parts[2], "=" + valid,
				"a".repeat(8000))) {
			EntityExchangeResult<String> result = readOrders(token).expectBody(String.class).returnResult();
			assertThat(result.getStatus().value()).as(token).isEqualTo(401);
			assertThat(result.getResponseBody()).as(token).contains("\"code\":\"token_invalid\"");
			assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).as(token)
				.startsWith("Bearer realm=\"tenantgate\"");
		}
		assertThat(downstreamRequests()).isEmpty();
	}

	/** {@code bnVsbA} is base64url for {@code null}: the JSON parser hands back null and nimbus dereferences it. */
	// issue-4
	@Test
	void tokenWhoseHeaderIsJsonNullIsUnauthorizedNotAnError() {
		expectUnauthorized(readOrders("bnVsbA.e30.AAAA"), "token_invalid");
	}

	@Test
	void oversizedTokenIsRefusedWithoutAnError() {
		String ninekb = tokens.ed25519((claims) -> viewerClaims(claims).claim("padding", "x".repeat(9 * 1024)));
		expectUnauthorized(readOrders(ninekb), "token_invalid");
		String huge = "Bearer " + "a".repeat(64 * 1024);
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders",
				List.of("Authorization: " + huge));
		assertThat(response.status()).as(response.toString()).isIn(400, 401, 431);
		RawHttp.Response longPath = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/" + "a/".repeat(32 * 1024),
				List.of("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer")));
		assertThat(longPath.status()).as(longPath.toString()).isIn(400, 414, 431);
		assertThat(downstreamRequests()).isEmpty();
	}

	@Test
	void twoAuthorizationHeadersAreABadRequest() {
		String good = "Authorization: Bearer " + tokens.token(viewer, orgA, "viewer");
		for (List<String> headers : List.of(List.of(good, good), List.of(good, "authorization: Bearer x.y.z"),
				List.of("AUTHORIZATION: Bearer x.y.z", good))) {
			RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders", headers);
			expectRawProblem(response, 400, "invalid_request");
		}
		RawHttp.Response commaJoined = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders",
				List.of(good + ", Bearer x.y.z"));
		expectRawProblem(commaJoined, 401, "token_invalid");
		assertThat(downstreamRequests()).isEmpty();
	}

	@Test
	void tokenAnywhereButTheAuthorizationHeaderIsNoToken() {
		String token = tokens.token(viewer, orgA, "viewer");
		String orders = "/api/orgs/" + orgA + "/orders";
		expectProblem(this.client.get().uri(orders + "?access_token=" + token).exchange(), 401, "token_missing");
		expectProblem(this.client.get().uri(orders + "?token=" + token + "&bearer=" + token).exchange(), 401,
				"token_missing");
		for (String cookie : List.of("access_token", "token", "better-auth.session_token", "Authorization")) {
			expectProblem(this.client.get().uri(orders).cookie(cookie, token).exchange(), 401, "token_missing");
		}
		expectProblem(this.client.post()
			.uri(orders)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("access_token=" + token)
			.exchange(), 401, "token_missing");
		expectProblem(this.client.get().uri(orders).header("X-Access-Token", token).exchange(), 401, "token_missing");
		expectProblem(this.client.get().uri(orders).header(HttpHeaders.AUTHORIZATION, token).exchange(), 401,
				"token_missing");
	}

	@Test
	void clientIdentityHeadersInAnyLetterCaseNeverReachTheDownstream() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders/7",
				List.of("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer"), "x-uSeR-iD: attacker",
						"X-USER-ID: attacker2", "x-organization-id: " + orgB, "X-ORG-ROLE: owner",
						"x-Org-Role: admin", "X-pLaTfOrM-rOlE: superadmin", "x-TeNaNtGaTe-Debug: 1",
						"X-TENANTGATE-USER: attacker"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		expectViewersIdentity(request);
		assertThat(namesOf(request)).noneMatch((name) -> name.startsWith("x-tenantgate-"));
	}

	@Test
	void clientIdentityHeadersAreStrippedOnPublicRoutesToo() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/status",
				List.of("x-UsEr-Id: attacker", "X-Organization-ID: " + orgB, "x-org-ROLE: owner",
						"X-Platform-Role: superadmin", "x-tenantgate-anything: 1"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).doesNotContain("x-user-id", "x-organization-id", "x-org-role", "x-platform-role")
			.noneMatch((name) -> name.startsWith("x-tenantgate-"));
	}

	/**
	 * A header named in {@code Connection} is connection-specific and removed by a proxy (RFC 9110, section 7.6.1): a
	 * client that names the identity headers there must not get the gateway's own removed on their way downstream.
	 */
	@Test
	void identityHeadersNamedInConnectionStillReachTheDownstream() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders/7",
				List.of("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer"),
						"Connection: keep-alive, X-User-Id, x-organization-id, X-Org-Role, X-Platform-Role, X-Trace",
						"X-Trace: hop", "X-Kept: end-to-end"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		expectViewersIdentity(request);
		assertThat(namesOf(request)).as("headers the downstream received").doesNotContain("x-trace").contains("x-kept");
	}

	/**
	 * With no proxy in front trusted (the default), a client's forwarding headers are its own claims about where the
	 * request came from: none reaches the downstream, on any route (tenantgate removes them in Spring Cloud Gateway's
	 * place, {@code HeaderFiltersTakeover}).
	 */
	@Test
	void clientForwardingHeadersNeverReachTheDownstream() {
		List<String> forged = List.of("Forwarded: for=203.0.113.9;host=evil.example;proto=https",
				"X-Forwarded-For: 203.0.113.9", "x-forwarded-host: evil.example", "X-FORWARDED-PROTO: https",
				"X_Forwarded_Prefix: /admin");
		List<String> authorized = new java.util.ArrayList<>(forged);
		authorized.add("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer"));
		expectNoForwardingHeaderDownstream(RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders/7", authorized));
		wireMock.resetRequests();
		expectNoForwardingHeaderDownstream(RawHttp.send(this.port, "GET", "/api/status", forged));
	}

	/**
	 * Hop-by-hop headers belong to one connection (RFC 9110, section 7.6.1): the client's never reach the downstream,
	 * on any route, and the downstream's never reach the client. tenantgate removes them from requests in Spring Cloud
	 * Gateway's place ({@code HeaderFiltersTakeover}), and adds {@code te: trailers} to gRPC requests as it would.
	 */
	@Test
	void hopByHopHeadersStayOnTheirConnection() {
		wireMock.stubFor(get(urlPathMatching("/api/orgs/.*/orders/hop")).atPriority(1)
			.willReturn(aResponse().withStatus(200)
				.withHeader("X-Application-Context", "orders:internal:8080")
				.withHeader("Proxy-Authenticate", "Basic realm=\"internal\"")
				.withBody("downstream")));
		List<String> hopByHop = List.of("Keep-Alive: timeout=5", "Proxy-Authorization: Basic Z2F0ZTpzZWNyZXQ=",
				"TE: gzip", "X-Application-Context: forged", "Trailer: Expires", "Proxy_Authorization: Basic eA==");
		List<String> authorized = new ArrayList<>(hopByHop);
		authorized.add("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer"));
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders/hop", authorized);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.header("X-Application-Context")).as(response.toString()).isNull();
		assertThat(response.header("Proxy-Authenticate")).as(response.toString()).isNull();
		expectNoHopByHopHeaderDownstream();
		wireMock.resetRequests();
		response = RawHttp.send(this.port, "GET", "/api/status", hopByHop);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		expectNoHopByHopHeaderDownstream();
		wireMock.resetRequests();
		response = RawHttp.send(this.port, "GET", "/api/status", List.of("Content-Type: application/grpc", "TE: gzip"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(TenantAuthorizationIntegrationTests.onlyDownstreamRequest().getHeaders().getHeader("TE").values())
			.containsExactly("trailers");
	}

	private static void expectNoHopByHopHeaderDownstream() {
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).as("headers the downstream received")
			.isNotEmpty()
			.doesNotContain("keep-alive", "proxy-authorization", "proxy_authorization", "te", "x-application-context",
					"trailer");
	}

	private static void expectNoForwardingHeaderDownstream(RawHttp.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).as("headers the downstream received")
			.isNotEmpty()
			.doesNotContain("forwarded", "x_forwarded_prefix")
			.noneMatch((name) -> name.startsWith("x-forwarded-"));
	}

	/**
	 * Servers behind a gateway that read headers CGI-style (WSGI, Rack, PHP, many frameworks on top of them) see
	 * {@code X_User_Id} and {@code X-User-Id} as one and the same {@code HTTP_X_USER_ID}.
	 */
	// issue-4
	@Test
	void identityHeadersSpelledWithUnderscoresNeverReachTheDownstream() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + "/orders/7",
				List.of("Authorization: Bearer " + tokens.token(viewer, orgA, "viewer"), "X_User_Id: attacker",
						"x_organization_id: " + orgB, "X_ORG_ROLE: owner", "X_Platform_Role: superadmin",
						"X_Tenantgate_Debug: 1"));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		LoggedRequest request = TenantAuthorizationIntegrationTests.onlyDownstreamRequest();
		assertThat(namesOf(request)).as("headers the downstream received")
			.doesNotContain("x_user_id", "x_organization_id", "x_org_role", "x_platform_role", "x_tenantgate_debug");
	}

	@Test
	void tenantIdsThatCouldAliasRedisKeysAreRefusedBeforeAnyLookup() {
		String user = fixtures.user("user");
		for (String tenant : List.of("a:b", "*", "a*", "perm:x", "a?b", "a[b]")) {
			String encoded = org.springframework.web.util.UriUtils.encodePathSegment(tenant, StandardCharsets.UTF_8);
			String token = tokens.ed25519((claims) -> claims.subject(user)
				.claim("organizationId", tenant)
				.claim("orgRole", "owner"));
			expectProblem(this.client.get()
				.uri(java.net.URI.create("http://127.0.0.1:" + this.port + "/api/orgs/" + encoded + "/orders"))
				.header(HttpHeaders.AUTHORIZATION, bearer(token))
				.exchange(), 400, "path_invalid");
		}
		RawHttp.Response rawStar = RawHttp.send(this.port, "GET", "/api/orgs/*/orders",
				List.of("Authorization: Bearer " + tokens.token(user, "*", "owner")));
		expectRawProblem(rawStar, 400, "path_invalid");
		RawHttp.Response rawColon = RawHttp.send(this.port, "GET", "/api/orgs/" + orgA + ":x/orders",
				List.of("Authorization: Bearer " + tokens.token(user, orgA + ":x", "owner")));
		expectRawProblem(rawColon, 400, "path_invalid");
		assertThat(directRedis().sync().exists("perm-user:" + user, "perm:" + user + ":a:b", "perm:" + user + ":*"))
			.as("no lookup ever started for these requests")
			.isZero();
	}

	@Test
	void subjectsThatCouldAliasRedisKeysAreUnauthorized() {
		for (String subject : List.of(viewer + ":" + orgA, "*", viewer + "*", "")) {
			String token = tokens.ed25519((claims) -> claims.subject(subject).claim("organizationId", orgA));
			expectUnauthorized(readOrders(token), "token_invalid");
		}
	}

	WebTestClient.ResponseSpec deleteOrder(String token) {
		return this.client.delete()
			.uri("/api/orgs/" + orgA + "/orders/1")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange();
	}

	WebTestClient.ResponseSpec readOrders(String token) {
		return this.client.get()
			.uri("/api/orgs/" + orgA + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange();
	}

	static void expectUnauthorized(WebTestClient.ResponseSpec response, String code) {
		expectProblem(response.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).startsWith("Bearer realm=\"tenantgate\"")
				.contains("error=\"invalid_token\"")), 401, code);
	}

	static void expectRawProblem(RawHttp.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(response.body()).contains("\"code\":\"" + code + "\"");
		assertThat(downstreamRequests()).as("a denied request must never reach the downstream").isEmpty();
	}

	/** What an attacker would like the token to say: the owner of {@code org}. */
	static Claims ownerClaims(String org) {
		return new Claims((claims) -> claims.subject(viewer).claim("organizationId", org).claim("orgRole", "owner"));
	}

	static JWTClaimsSet.Builder viewerClaims(JWTClaimsSet.Builder claims) {
		return claims.subject(viewer).claim("organizationId", orgA).claim("orgRole", "viewer");
	}

	static String sign(JWSHeader header, JWSSigner signer, Claims claims) throws JOSEException {
		SignedJWT jwt = new SignedJWT(header, claims.build());
		jwt.sign(signer);
		return jwt.serialize();
	}

	static String b64(String json) {
		return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
	}

	static RSAKey publicRsaKey() {
		try {
			for (JWK key : JWKSet.parse(tokens.jwks()).getKeys()) {
				if (key instanceof RSAKey rsa) {
					return rsa;
				}
			}
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalStateException("the test JWKS has no RSA key");
	}

	/** The trusted identity headers of {@code viewer} in {@code orgA}, each exactly once. */
	private static void expectViewersIdentity(LoggedRequest request) {
		assertThat(valuesOf(request, "x-user-id")).containsExactly(viewer);
		assertThat(valuesOf(request, "x-organization-id")).containsExactly(orgA);
		assertThat(valuesOf(request, "x-org-role")).containsExactly("viewer");
		assertThat(valuesOf(request, "x-platform-role")).containsExactly("user");
	}

	static List<String> valuesOf(LoggedRequest request, String lowerCaseName) {
		List<String> values = new ArrayList<>();
		for (HttpHeader header : request.getHeaders().all()) {
			if (header.key().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
				values.addAll(header.values());
			}
		}
		return values;
	}

	static List<String> namesOf(LoggedRequest request) {
		return request.getHeaders().all().stream().map((header) -> header.key().toLowerCase(Locale.ROOT)).toList();
	}

	static StatefulRedisConnection<String, String> directRedis() {
		if (directRedis == null) {
			TestServices.Endpoints services = TestServices.require();
			directRedis = RedisClient.create("redis://" + services.redisHost() + ":" + services.redisPort()).connect();
		}
		return directRedis;
	}

	/** Standard claims (issued now, 15 minutes to live, the right issuer and audience), customized. */
	record Claims(Consumer<JWTClaimsSet.Builder> customizer) {

		void claims(JWTClaimsSet.Builder builder) {
			this.customizer.accept(builder);
		}

		JWTClaimsSet build() {
			Instant now = Instant.now();
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(TestTokens.ISSUER)
				.audience(TestTokens.AUDIENCE)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
			this.customizer.accept(builder);
			return builder.build();
		}

	}

}
