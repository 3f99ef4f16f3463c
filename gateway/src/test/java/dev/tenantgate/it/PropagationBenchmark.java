package dev.tenantgate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.tenantgate.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * How long a role change takes to be enforced by two gateway instances: for each of N changes (alternating staff
 * and viewer), the time from publishing {@code member.role.changed} until both instances give the new answer to a
 * still-valid token whose claim predates the change. Prints p50, p99 and max; asserts nothing about time.
 * <p>
 * Run: {@code ./mvnw -pl gateway test -Dtest=PropagationBenchmark -Dgroups=benchmark -Dtenantgate.excludedGroups=none
 * -Dpropagation.changes=500}
 */
@Tag("benchmark")
class PropagationBenchmark {

	// One poller per instance, so both are watched at once (the common pool has one thread on two cores).
	private static final ExecutorService POLLERS = Executors.newFixedThreadPool(2);

	@BeforeAll
	static void start() throws Exception {
		TwoInstanceConsistencyIntegrationTests.startTwoInstances();
	}

	@AfterAll
	static void stop() throws InterruptedException {
		POLLERS.shutdownNow();
		TwoInstanceConsistencyIntegrationTests.stop();
	}

	@Test
	void propagation() {
		int changes = Integer.getInteger("propagation.changes", 200);
		String org = TwoInstanceConsistencyIntegrationTests.fixtures.organization();
		String user = TwoInstanceConsistencyIntegrationTests.fixtures.user("user");
		TwoInstanceConsistencyIntegrationTests.fixtures.member(user, org, "staff");
		String orders = "/api/orgs/" + org + "/orders";
		List<Long> micros = new ArrayList<>();
		String role = "staff";
		for (int i = 0; i < changes; i++) {
			String token = TwoInstanceConsistencyIntegrationTests.tokenIssuedBefore(user, org, role, null);
			for (String client : baseUrls()) {
				status(client, orders, token); // warm: both instances hold the current answer
			}
			String next = role.equals("staff") ? "viewer" : "staff";
			int expected = next.equals("staff") ? 200 : 403;
			TwoInstanceConsistencyIntegrationTests.fixtures.setMemberRole(user, org, next);
			long start = System.nanoTime();
			TwoInstanceConsistencyIntegrationTests.publish("member.role.changed", "{\"eventId\":\"" + TestDatabase.newId()
					+ "\",\"userId\":\"" + user + "\",\"organizationId\":\"" + org + "\",\"role\":\"" + next
					+ "\",\"previousRole\":\"" + role + "\",\"occurredAt\":" + System.currentTimeMillis() + "}");
			List<CompletableFuture<Long>> waits = baseUrls().stream()
				.map((client) -> CompletableFuture.supplyAsync(() -> until(client, orders, token, expected), POLLERS))
				.toList();
			long done = waits.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
			micros.add((done - start) / 1_000);
			role = next;
		}
		Collections.sort(micros);
		System.out.printf(Locale.ROOT, "%npropagation over 2 instances, %d changes: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n%n",
				changes, percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0,
				micros.get(micros.size() - 1) / 1000.0);
	}

	private static long until(String client, String path, String token, int expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (System.nanoTime() < deadline) {
			if (status(client, path, token) == expected) {
				return System.nanoTime();
			}
		}
		throw new IllegalStateException("the change was not enforced within 5 s");
	}

	// A plain keep-alive HTTP client: the figure should be the gateway's, not a test client's.
	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static int status(String baseUrl, String path, String token) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static List<String> baseUrls() {
		return TwoInstanceConsistencyIntegrationTests.instances.stream()
			.map((context) -> "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
			.toList();
	}

	private static long percentile(List<Long> sorted, int p) {
		int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, index));
	}

}
