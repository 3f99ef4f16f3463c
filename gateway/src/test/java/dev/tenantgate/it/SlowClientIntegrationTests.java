package dev.tenantgate.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tenantgate.role.db.SchemaPreset;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Requests that never finish: connections that stop in the middle of their request line or headers, that send their
 * headers a byte at a time, or that stay idle after a response, are closed within the idle timeout (a short one
 * here), while other clients are served meanwhile.
 */
class SlowClientIntegrationTests extends GatewayIntegrationTestSupport { // issue-26

	static final Duration IDLE = Duration.ofMillis(1500);

	// Generous: the machine is shared; what matters is that the connection is closed at all, in bounded time.
	static final Duration SLACK = Duration.ofMillis(2500);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "server.netty.idle-timeout=" + IDLE.toMillis() + "ms");
	}

	@Test
	void halfARequestLineThenNothingIsClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /api/sta");
			assertClosedWithin(socket, IDLE.plus(SLACK), this::normalTrafficIsServed);
		}
	}

	@Test
	void halfTheHeadersThenNothingIsClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
			assertClosedWithin(socket, IDLE.plus(SLACK), this::normalTrafficIsServed);
		}
	}

	@Test
	void headersSentAByteAtATimeAreClosedAllTheSame() throws Exception {
		try (Socket socket = connect()) {
			send(socket, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
			long started = System.nanoTime();
			// A byte every half idle timeout: the idle timeout counts whole requests, not bytes.
			long deadline = started + IDLE.plus(SLACK).toNanos();
			while (System.nanoTime() < deadline) {
				try {
					send(socket, "X");
				}
				catch (SocketException ex) {
					break;
				}
				if (closedWithin(socket, IDLE.dividedBy(2))) {
					break;
				}
			}
			Duration open = Duration.ofNanos(System.nanoTime() - started);
			assertThat(open).as("closed within the idle timeout, although bytes kept coming")
				.isLessThan(IDLE.plus(SLACK));
			normalTrafficIsServed();
		}
	}

	@Test
	void idleKeepAliveConnectionIsClosed() throws IOException {
		try (Socket socket = connect()) {
			send(socket, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
			String response = readResponse(socket);
			assertThat(response).startsWith("HTTP/1.1 200");
			// The same connection still takes a request at once...
			send(socket, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
			assertThat(readResponse(socket)).startsWith("HTTP/1.1 200");
			// ...and is closed once it has stayed idle.
			assertClosedWithin(socket, IDLE.plus(SLACK), this::normalTrafficIsServed);
		}
	}

	@Test
	void manyStalledConnectionsAreAllClosed() throws IOException {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 50; i++) {
				Socket socket = connect();
				send(socket, (i % 2 == 0) ? "GET /api/status HT" : "GET /api/status HTTP/1.1\r\nHost: x\r\nA: b");
				sockets.add(socket);
			}
			normalTrafficIsServed();
			for (Socket socket : sockets) {
				assertClosedWithin(socket, IDLE.plus(SLACK), () -> {
				});
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
	}

	void normalTrafficIsServed() {
		this.client.get().uri("/api/status").exchange().expectStatus().isOk();
	}

	Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
		return socket;
	}

	static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	/** Reads one response, its body sized by Content-Length or chunked. */
	static String readResponse(Socket socket) throws IOException {
		socket.setSoTimeout(5000);
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				fail("connection closed before the response head was read: " + head);
			}
			head.append((char) b);
		}
		String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
		int at = lower.indexOf("content-length:");
		if (at >= 0) {
			in.readNBytes(Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip()));
			return head.toString();
		}
		StringBuilder chunked = new StringBuilder();
		while (!chunked.toString().endsWith("0\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				fail("connection closed before the response body was read");
			}
			chunked.append((char) b);
		}
		return head.toString();
	}

	/**
	 * Asserts the server closes {@code socket} within {@code bound}, running {@code meanwhile} first (the server must
	 * serve others while the socket hangs).
	 */
	static void assertClosedWithin(Socket socket, Duration bound, Runnable meanwhile) throws IOException {
		long started = System.nanoTime();
		meanwhile.run();
		Duration left = bound.minusNanos(System.nanoTime() - started);
		assertThat(closedWithin(socket, left.isNegative() ? Duration.ofMillis(1) : left))
			.as("connection closed by the server within %s", bound)
			.isTrue();
	}

	/** Whether the server closed (or reset) {@code socket} within {@code wait}; it sends nothing before that. */
	static boolean closedWithin(Socket socket, Duration wait) throws IOException {
		socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
		try {
			int b = socket.getInputStream().read();
			if (b >= 0) {
				fail("the server answered a request it never received in full");
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
	}

}
