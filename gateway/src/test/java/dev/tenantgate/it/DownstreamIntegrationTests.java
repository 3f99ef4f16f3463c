package dev.tenantgate.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tenantgate.downstream.EventLoopConnectionProvider;
import dev.tenantgate.filter.TenantAuthorizationFilter;
import dev.tenantgate.role.db.SchemaPreset;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proxied call: a downstream that does not answer within the gateway's response timeout (500 ms here) gets the
 * client a 504 {@code downstream_timeout} problem soon after the timeout, long before the downstream would answer
 * (20 s), and one that falls silent in the middle of a response is cut off; the connect timeout is set once, on the
 * HTTP client; response bodies of every size and framing reach the client whole, whether written in one go with their
 * headers (a small {@code Content-Length}) or streamed.
 */
@DirtiesContext
class DownstreamIntegrationTests extends GatewayIntegrationTestSupport {

	static final Duration DOWNSTREAM_DELAY = Duration.ofSeconds(20);

	static final byte[] SMALL = body(12);

	static final byte[] AT_LIMIT = body(16 * 1024);

	static final byte[] LARGE = body(200 * 1024); // under WebTestClient's 256 KB limit

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/slow")).atPriority(1)
			.willReturn(aResponse().withStatus(200)
				.withFixedDelay((int) DOWNSTREAM_DELAY.toMillis())
				.withBody("too late")));
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/small")).atPriority(1)
			.willReturn(aResponse().withStatus(201).withHeader("X-Downstream", "yes").withHeader("Content-Length", "12").withBody(SMALL)));
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/at-limit")).atPriority(1)
			.willReturn(aResponse().withStatus(200).withHeader("Content-Length", String.valueOf(AT_LIMIT.length)).withBody(AT_LIMIT)));
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/large")).atPriority(1)
			.willReturn(aResponse().withStatus(200).withHeader("Content-Length", String.valueOf(LARGE.length)).withBody(LARGE)));
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/chunked")).atPriority(1)
			.willReturn(aResponse().withStatus(200).withBody(SMALL).withChunkedDribbleDelay(4, 200)));
		wireMock.stubFor(get(urlPathMatching("/api/orgs/[^/]+/orders/empty")).atPriority(1)
			.willReturn(aResponse().withStatus(204)));
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE,
				"tenantgate.downstream.response-timeout=500ms", "tenantgate.downstream.connect-timeout=700ms",
				// The public route /api/down goes to this downstream here, not to a closed port.
				"test.closed.port=" + StallingDownstream.start());
	}

	@AfterAll
	static void stopStallingDownstream() throws IOException {
		StallingDownstream.stop();
	}

	@Autowired
	HttpClient gatewayHttpClient;

	@Autowired
	HttpClientProperties gatewayHttpClientProperties;

	@Autowired
	RequestThreads requestThreads;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void proxiedRequestsTakeTheirConnectionsFromThePoolOfTheirEventLoop() {
		assertThat(this.gatewayHttpClient.configuration().connectionProvider())
			.isInstanceOfSatisfying(EventLoopConnectionProvider.class, (provider) -> {
				String org = fixtures.organization();
				String token = viewerToken(org);
				// The first request waits for the user's lookup, the second is answered from memory; the pools of
				// the event loops are made by the first call from one (which thread a request goes on from is
				// checked below, which pool an event loop takes in EventLoopConnectionProviderTests).
				assertThat(fetch(org, token, "small", 201)).isEqualTo(SMALL);
				assertThat(fetch(org, token, "small", 201)).isEqualTo(SMALL);
				assertThat(provider.poolCount()).isPositive();
			});
	}

	@Test
	void aRequestThatWaitedForALookupGoesOnOnTheEventLoopThatReceivedIt() {
		String org = fixtures.organization();
		String viewer = fixtures.user("user");
		fixtures.member(viewer, org, "viewer");
		// No role claim: the membership is read too.
		String token = tokens.ed25519((claims) -> claims.subject(viewer).claim("organizationId", org));
		this.requestThreads.clear();
		double readFromPostgres = membershipsReadFromPostgres();

		assertThat(fetch(org, token, "small", 201)).isEqualTo(SMALL);
		assertThat(membershipsReadFromPostgres()).as("the first request waited for PostgreSQL")
			.isEqualTo(readFromPostgres + 1);
		assertThat(fetch(org, token, "small", 201)).isEqualTo(SMALL);

		assertThat(this.requestThreads.pairs()).hasSize(2).allSatisfy((pair) -> {
			assertThat(pair.received()).isNotNull();
			assertThat(pair.authorized()).as("the thread past authorization").isEqualTo(pair.received());
		});
	}

	@Test
	void connectTimeoutIsSetOnceOnTheClientNotPerRequest() {
		assertThat(this.gatewayHttpClient.configuration().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS))
			.isEqualTo(700);
		// Spring Cloud Gateway would copy the client's configuration on every request to apply its own.
		assertThat(this.gatewayHttpClientProperties.getConnectTimeout()).isNull();
	}

	@Test
	void downstreamSlowerThanTheResponseTimeoutIsGatewayTimeout() {
		String org = fixtures.organization();
		String token = viewerToken(org);
		this.client.get()
			.uri("/api/orgs/" + org + "/orders/1")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isOk();

		long start = System.nanoTime();
		this.client.mutate()
			.responseTimeout(Duration.ofSeconds(15))
			.build()
			.get()
			.uri("/api/orgs/" + org + "/orders/slow")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType("application/problem+json")
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("downstream_timeout")
			.jsonPath("$.status")
			.isEqualTo(504);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(elapsed).as("answered by the gateway's timeout, not by the downstream")
			.isLessThan(Duration.ofSeconds(10));
		assertThat(downstreamRequests()).extracting((request) -> request.getUrl())
			.contains("/api/orgs/" + org + "/orders/slow");
	}

	@Test
	void downstreamFallingSilentMidResponseIsCutOffAfterTheResponseTimeout() {
		long start = System.nanoTime();
		assertThatThrownBy(() -> this.client.mutate()
			.responseTimeout(Duration.ofSeconds(15))
			.build()
			.get()
			.uri("/api/down")
			.exchange()
			.expectBody()
			.returnResult()).as("the response ends short: the gateway closes the connection, it does not end the body")
			.hasRootCauseInstanceOf(PrematureCloseException.class);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(elapsed).as("cut off by the gateway's timeout, long before the downstream's last chunk (after 10 s)")
			.isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void responseBodiesOfEverySizeAndFramingArriveWhole() {
		String org = fixtures.organization();
		String token = viewerToken(org);

		assertThat(fetch(org, token, "small", 201)).isEqualTo(SMALL);
		assertThat(fetch(org, token, "at-limit", 200)).isEqualTo(AT_LIMIT);
		assertThat(fetch(org, token, "large", 200)).isEqualTo(LARGE);
		assertThat(fetch(org, token, "chunked", 200)).isEqualTo(SMALL);
		assertThat(fetch(org, token, "empty", 204)).isNullOrEmpty();
		this.client.get()
			.uri("/api/orgs/" + org + "/orders/small")
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectHeader()
			.valueEquals("X-Downstream", "yes")
			.expectHeader()
			.contentLength(SMALL.length);
	}

	double membershipsReadFromPostgres() {
		return this.meterRegistry.counter("tenantgate.role.lookups", "kind", "membership", "tier", "postgres").count();
	}

	/** A token of a new viewer of {@code org}. */
	static String viewerToken(String org) {
		String viewer = fixtures.user("user");
		fixtures.member(viewer, org, "viewer");
		return tokens.token(viewer, org, "viewer");
	}

	byte[] fetch(String org, String token, String path, int status) {
		return this.client.get()
			.uri("/api/orgs/" + org + "/orders/" + path)
			.header(HttpHeaders.AUTHORIZATION, bearer(token))
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody();
	}

	/**
	 * The thread that received each request (a web filter ahead of everything) and the thread that carries it on
	 * past {@link TenantAuthorizationFilter} (a global filter right after it).
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class RequestThreads {

		private static final String RECEIVED_ON = RequestThreads.class.getName() + ".receivedOn";

		private final List<Pair> pairs = new CopyOnWriteArrayList<>();

		@Bean
		WebFilter receivingThreadRecorder() {
			return new ReceivingThreadRecorder();
		}

		@Bean
		GlobalFilter authorizedThreadRecorder() {
			return new AuthorizedThreadRecorder(this.pairs);
		}

		List<Pair> pairs() {
			return this.pairs;
		}

		void clear() {
			this.pairs.clear();
		}

		record Pair(String received, String authorized) {
		}

		private static final class ReceivingThreadRecorder implements WebFilter, Ordered {

			@Override
			public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
				exchange.getAttributes().put(RECEIVED_ON, Thread.currentThread().getName());
				return chain.filter(exchange);
			}

			@Override
			public int getOrder() {
				return Ordered.HIGHEST_PRECEDENCE;
			}

		}

		private record AuthorizedThreadRecorder(List<Pair> pairs) implements GlobalFilter, Ordered {

			@Override
			public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
				this.pairs.add(new Pair(exchange.getAttribute(RECEIVED_ON), Thread.currentThread().getName()));
				return chain.filter(exchange);
			}

			@Override
			public int getOrder() {
				return TenantAuthorizationFilter.ORDER + 1;
			}

		}

	}

	/**
	 * A downstream that sends its response headers and a first chunk at once, then nothing for 10 s, then the last
	 * chunk: silent in the middle of a response for longer than the gateway's response timeout. Each connection is
	 * served on a thread of its own, so a second request does not wait for the first one's stall.
	 */
	static final class StallingDownstream {

		private static ServerSocket server;

		static int start() {
			try {
				server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				ServerSocket listening = server;
				Thread thread = new Thread(() -> serve(listening), "stalling-downstream");
				thread.setDaemon(true);
				thread.start();
				return server.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		static void stop() throws IOException {
			if (server != null) { // null when the class was skipped before its properties were registered
				server.close();
			}
		}

		private static void serve(ServerSocket server) {
			while (!server.isClosed()) {
				try {
					Socket socket = server.accept();
					Thread thread = new Thread(() -> respond(socket), "stalling-downstream-response");
					thread.setDaemon(true);
					thread.start();
				}
				catch (IOException ex) {
					// closed by stop(), or a failed accept: the loop condition decides
				}
			}
		}

		private static void respond(Socket socket) {
			try (socket) {
				BufferedReader in = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
				for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
					// the request's headers: read and ignored
				}
				OutputStream out = socket.getOutputStream();
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
						+ "5\r\nfirst\r\n").getBytes(StandardCharsets.US_ASCII));
				out.flush();
				Thread.sleep(10_000);
				out.write("4\r\nlast\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			catch (IOException ex) {
				// the gateway closed the connection
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/** Bytes that differ from position to position, so a lost, doubled or reordered chunk shows. */
	static byte[] body(int length) {
		byte[] body = new byte[length];
		for (int i = 0; i < length; i++) {
			body[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
		}
		return body;
	}

}
