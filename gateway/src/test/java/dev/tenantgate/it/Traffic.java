package dev.tenantgate.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Concurrent requests against a running gateway, each checked against the one answer it must get: several threads
 * cycle through a fixed list of probes for a bounded time and number of requests, and every answer that differs
 * from the expected one is kept as a violation.
 */
final class Traffic {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	Traffic(int port) {
		this.port = port;
	}

	/**
	 * Runs {@code threads} threads through {@code probes} until {@code duration} has passed or {@code maxRequests}
	 * were sent.
	 */
	Report run(List<Probe> probes, int threads, Duration duration, int maxRequests) {
		long deadline = System.nanoTime() + duration.toNanos();
		AtomicInteger sent = new AtomicInteger();
		List<String> violations = Collections.synchronizedList(new ArrayList<>());
		Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();
		CountDownLatch done = new CountDownLatch(threads);
		for (int t = 0; t < threads; t++) {
			int offset = t;
			Thread thread = new Thread(() -> {
				try {
					for (int i = 0; System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests; i++) {
						// Threads take turns through the list, so each probe is sent by one thread at a time.
						Probe probe = probes.get((i * threads + offset) % probes.size());
						Answer answer = send(probe);
						statuses.computeIfAbsent(probe.name(), (name) -> new ConcurrentHashMap<>())
							.merge(answer.status(), 1, Integer::sum);
						String violation = probe.expected().apply(answer);
						if (violation != null) {
							violations.add(probe.name() + ": " + violation + " (got " + answer + ")");
						}
						pause();
					}
				}
				finally {
					done.countDown();
				}
			}, "traffic-" + t);
			thread.setDaemon(true);
			thread.start();
		}
		try {
			if (!done.await(duration.plus(REQUEST_TIMEOUT).plusSeconds(5).toMillis(),
					java.util.concurrent.TimeUnit.MILLISECONDS)) {
				violations.add("traffic threads did not finish in time");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Map<String, Map<Integer, Integer>> sorted = new TreeMap<>();
		statuses.forEach((name, counts) -> sorted.put(name, new TreeMap<>(counts)));
		return new Report(Math.min(sent.get(), maxRequests), sorted, List.copyOf(violations));
	}

	// A little room between requests: the machine is small and shared, and the point is correctness, not load.
	private static void pause() {
		try {
			Thread.sleep(2);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	Answer send(Probe probe) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + probe.path()))
			.timeout(REQUEST_TIMEOUT)
			.method(probe.method(), HttpRequest.BodyPublishers.noBody());
		if (probe.token() != null) {
			request.header("Authorization", "Bearer " + probe.token());
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
					response.body());
		}
		catch (IOException ex) {
			return new Answer(-1, null, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Answer(-1, null, ex.toString());
		}
	}

	/** One kind of request and the answer it must get. */
	record Probe(String name, String method, String path, String token, Function<Answer, String> expected) {

		/** The same request, held to another expectation. */
		Probe expecting(Function<Answer, String> other) {
			return new Probe(this.name, this.method, this.path, this.token, other);
		}

	}

	/** What the gateway answered; status -1 when the request failed or timed out. */
	record Answer(int status, String retryAfter, String body) {

		@Override
		public String toString() {
			String shortBody = (this.body.length() > 200) ? this.body.substring(0, 200) + "..." : this.body;
			return this.status + " " + shortBody;
		}

	}

	/**
	 * @param requests the requests sent
	 * @param statuses per probe, how often each status came back
	 * @param violations every answer that was not the expected one
	 */
	record Report(int requests, Map<String, Map<Integer, Integer>> statuses, List<String> violations) {

		/** The first few violations, for assertion messages. */
		String summary() {
			return this.requests + " requests, statuses " + this.statuses + ", " + this.violations.size()
					+ " violations: " + this.violations.subList(0, Math.min(10, this.violations.size()));
		}

	}

	/** Exactly {@code 200}. */
	static Function<Answer, String> ok() {
		return (answer) -> (answer.status() == 200) ? null : "expected 200";
	}

	/** Exactly {@code status} with the problem {@code code}; a 503 must also carry {@code Retry-After}. */
	static Function<Answer, String> problem(int status, String code) {
		return (answer) -> {
			if (answer.status() != status || !answer.body().contains("\"code\":\"" + code + "\"")) {
				return "expected " + status + " " + code;
			}
			if (status == 503 && answer.retryAfter() == null) {
				return "503 without Retry-After";
			}
			return null;
		};
	}

}
