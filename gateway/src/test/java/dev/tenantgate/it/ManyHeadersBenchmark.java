package dev.tenantgate.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.tenantgate.role.db.SchemaPreset;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.netty.DisposableServer;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Where the time of a public request with many headers goes (issue 26): one keep-alive connection sends the same
 * request again and again, with 600 headers and with 10, to the gateway and straight to the downstream (a Reactor
 * Netty server answering 12 bytes), in alternating rounds. Prints the median latency of each per round and over the
 * rounds, and, with {@code -Dmanyheaders.profile=true}, the hottest frames of the gateway's 600-header rounds (JFR
 * CPU samples, self time and inclusive). Asserts nothing about time.
 * <p>
 * Run: {@code TENANTGATE_TEST_SERVICES=local ./mvnw -pl gateway test -Dtest=ManyHeadersBenchmark -Dgroups=benchmark
 * -Dtenantgate.excludedGroups=none [-Dmanyheaders.rounds=6 -Dmanyheaders.requests=400 -Dmanyheaders.profile=true]}
 */
@Tag("benchmark")
@DirtiesContext
class ManyHeadersBenchmark extends GatewayIntegrationTestSupport {

	/** When the downstream last received a request ({@link System#nanoTime()}). */
	static volatile long arrived;

	// Event loops of its own, so that the profile shows the gateway's.
	static final DisposableServer downstream = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.runOn(LoopResources.create("downstream", 1, true))
		.httpRequestDecoder((spec) -> spec.maxHeaderSize(65536))
		.handle((request, response) -> {
			arrived = System.nanoTime();
			return response.header("Content-Type", "text/plain").sendString(Mono.just("downstream!\n"));
		})
		.bindNow();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.routes-file=classpath:routes-edge-it.yml",
				"test.downstream.port=" + downstream.port());
	}

	@AfterAll
	static void stopDownstream() {
		downstream.disposeNow();
	}

	@Test
	void manyHeaders() throws Exception {
		int rounds = Integer.getInteger("manyheaders.rounds", 6);
		int requests = Integer.getInteger("manyheaders.requests", 400);
		boolean profile = Boolean.getBoolean("manyheaders.profile");
		byte[] many = request(600);
		byte[] few = request(10);
		Map<String, List<Double>> medians = new LinkedHashMap<>();
		try (Connection gateway = new Connection(this.port); Connection direct = new Connection(downstream.port())) {
			for (int i = 0; i < 3000; i++) {
				gateway.exchange(many);
				gateway.exchange(few);
				direct.exchange(many);
			}
			Recording recording = profile ? startRecording() : null;
			for (int round = 0; round < rounds; round++) {
				// The order changes every round, so a slower stretch of the shared machine hits each alike.
				List<Runnable> scenarios = new ArrayList<>(List.of(
						() -> measure(medians, "gateway, 600 headers", gateway, many, requests),
						() -> measure(medians, "gateway, 10 headers", gateway, few, requests),
						() -> measure(medians, "downstream directly, 600 headers", direct, many, requests)));
				if (round % 2 == 1) {
					Collections.reverse(scenarios);
				}
				scenarios.forEach(Runnable::run);
			}
			if (recording != null) {
				printProfile(recording);
			}
		}
		System.out.println("ManyHeadersBenchmark: median latency per round (ms), one keep-alive connection, "
				+ requests + " requests per round");
		medians.forEach((scenario, values) -> System.out.printf(Locale.ROOT, "  %-58s %s  median %.3f%n", scenario,
				values.stream().map((v) -> String.format(Locale.ROOT, "%.3f", v)).toList(), median(values)));
	}

	private static void measure(Map<String, List<Double>> medians, String scenario, Connection connection,
			byte[] request, int requests) {
		List<Double> millis = new ArrayList<>(requests);
		List<Double> there = new ArrayList<>(requests);
		for (int i = 0; i < requests; i++) {
			long started = System.nanoTime();
			connection.exchange(request);
			long ended = System.nanoTime();
			millis.add((ended - started) / 1e6);
			there.add((arrived - started) / 1e6);
		}
		medians.computeIfAbsent(scenario, (key) -> new ArrayList<>()).add(median(millis));
		medians.computeIfAbsent(scenario + ", until the downstream has it", (key) -> new ArrayList<>())
			.add(median(there));
	}

	/** A public GET with {@code headers} headers besides Host, as a browser-like client with many cookies sends. */
	private static byte[] request(int headers) {
		StringBuilder request = new StringBuilder("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		for (int i = 0; i < headers; i++) {
			request.append("X-Header-").append(i).append(": v").append(i).append("\r\n");
		}
		return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private static Recording startRecording() {
		Recording recording = new Recording();
		recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
		recording.start();
		return recording;
	}

	/** The hottest frames of the samples taken on the gateway's event loops (self time, and inclusive). */
	private static void printProfile(Recording recording) throws IOException {
		recording.stop();
		Path file = Files.createTempFile("many-headers", ".jfr");
		recording.dump(file);
		recording.close();
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> threads = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			String thread = (event.getThread("sampledThread") != null)
					? event.getThread("sampledThread").getJavaName() : "";
			if (event.getStackTrace() == null || thread == null || thread.startsWith("downstream")
					|| thread.equals("main")) {
				continue;
			}
			samples++;
			threads.merge(thread.replaceAll("[0-9]+$", "N"), 1, Integer::sum);
			List<RecordedFrame> frames = event.getStackTrace().getFrames();
			if (!frames.isEmpty()) {
				self.merge(name(frames.get(0)), 1, Integer::sum);
			}
			Set<String> seen = new HashSet<>();
			for (RecordedFrame frame : frames) {
				if (seen.add(name(frame))) {
					inclusive.merge(name(frame), 1, Integer::sum);
				}
			}
		}
		Files.delete(file);
		System.out.println("ManyHeadersBenchmark: " + samples + " CPU samples of the gateway's threads");
		print("threads", threads, samples, 10);
		print("self", self, samples, 25);
		print("inclusive", inclusive, samples, 40);
	}

	private static void print(String title, Map<String, Integer> counts, int samples, int top) {
		System.out.println("  " + title + ":");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.limit(top)
			.forEach((entry) -> System.out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * entry.getValue() / samples,
					entry.getKey()));
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	/** One keep-alive connection: writes a request, reads its response to the end of its Content-Length body. */
	private static final class Connection implements AutoCloseable {

		private final Socket socket = new Socket();

		private final byte[] buffer = new byte[65536];

		Connection(int port) throws IOException {
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.socket.setTcpNoDelay(true);
			this.socket.setSoTimeout(10000);
		}

		void exchange(byte[] request) {
			try {
				OutputStream out = this.socket.getOutputStream();
				out.write(request);
				out.flush();
				readResponse(this.socket.getInputStream());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private void readResponse(InputStream in) throws IOException {
			int length = 0;
			int headerEnd = -1;
			while (headerEnd < 0) {
				int read = in.read(this.buffer, length, this.buffer.length - length);
				if (read < 0) {
					throw new IOException("closed");
				}
				length += read;
				headerEnd = indexOf(this.buffer, length);
			}
			String head = new String(this.buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
			if (!head.startsWith("HTTP/1.1 200")) {
				throw new IllegalStateException("not 200: " + head);
			}
			int contentLength = contentLength(head);
			int body = length - headerEnd - 4;
			while (body < contentLength) {
				int read = in.read(this.buffer, 0, this.buffer.length);
				if (read < 0) {
					throw new IOException("closed");
				}
				body += read;
			}
		}

		private static int indexOf(byte[] bytes, int length) {
			for (int i = 0; i + 3 < length; i++) {
				if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
					return i;
				}
			}
			return -1;
		}

		private static int contentLength(String head) {
			for (String line : head.split("\r\n")) {
				if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
					return Integer.parseInt(line.substring(15).strip());
				}
			}
			throw new IllegalStateException("no Content-Length: " + head);
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
