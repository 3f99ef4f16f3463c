package dev.tenantgate.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantgate.resilience.DependencyGuard;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cold lookups beyond what the connection pool serves at once, against the real PostgreSQL behind a proxy: the
 * database bulkhead holds them back to the pool's size and makes the others wait their turn, so a healthy database
 * gives no 503 and its breaker stays closed; after a cut the breaker closes again as soon as the database answers.
 * The pool has 4 connections here. // issue-25
 */
@DirtiesContext
class DatabaseLoadSheddingIntegrationTests extends GatewayIntegrationTestSupport {

	static final String PREFIX = "shed" + TestDatabase.newId().substring(0, 8) + ".";

	static final int POOL = 4;

	/**
	 * A healthy database 100 ms away: 4 connections answer about 40 calls a second, so 60 lookups at once wait well
	 * past the 1 s time limit of a call for their turn, and 40 close to it.
	 */
	static final Duration ROUND_TRIP = Duration.ofMillis(100);

	static TcpProxy postgresProxy;

	@Autowired
	DependencyGuard postgresGuard;

	final Queue<CircuitBreakerOnStateTransitionEvent> transitions = new ConcurrentLinkedQueue<>();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.Endpoints services = TestServices.require();
		postgresProxy = TcpProxy.start("postgres", services.pgHost(), services.pgPort());
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.nats.url=" + services.natsUrl(),
				"tenantgate.nats.subject-prefix=" + PREFIX, "spring.r2dbc.pool.max-size=" + POOL,
				"spring.r2dbc.pool.initial-size=1", "tenantgate.resilience.postgres.timeout=1s",
				"tenantgate.resilience.postgres.max-wait=10s");
		String throughProxy = "r2dbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + database.name();
		registry.add("spring.r2dbc.url", () -> throughProxy);
	}

	@BeforeEach
	void recordTransitions() {
		this.postgresGuard.breaker().getEventPublisher().onStateTransition(this.transitions::add);
	}

	@AfterEach
	void restorePostgres() {
		postgresProxy.restore();
	}

	@Test
	void coldLookupsBeyondThePoolWaitTheirTurnWithoutA503AndTheBreakerStaysClosed() {
		List<String> users = members(120);
		postgresProxy.delay(ROUND_TRIP.dividedBy(2));

		Load load = Load.run(new Traffic(this.port), users, 60, Duration.ofSeconds(30), new AtomicBoolean());

		assertThat(load.statuses()).as(load.summary()).containsOnlyKeys(200);
		assertThat(load.count()).isEqualTo(users.size());
		assertThat(this.transitions).as("breaker transitions").isEmpty();
		assertThat(this.postgresGuard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(postgresProxy.openConnections()).isLessThanOrEqualTo(POOL);
	}

	@Test
	void afterA2sCutUnderLoadTheBreakerClosesWithinABoundAndColdLookupsSucceed() throws Exception {
		List<String> users = members(5000);
		postgresProxy.delay(ROUND_TRIP.dividedBy(2));
		Traffic traffic = new Traffic(this.port);
		AtomicBoolean stop = new AtomicBoolean();
		Load[] load = new Load[1];
		Thread runner = new Thread(() -> load[0] = Load.run(traffic, users, 40, Duration.ofSeconds(30), stop));
		runner.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> Load.sent.get() > 100);

		postgresProxy.cut();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.postgresGuard.state() != CircuitBreaker.State.CLOSED);
		Thread.sleep(2000);
		postgresProxy.restore();
		postgresProxy.delay(ROUND_TRIP.dividedBy(2));
		long restoredAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
			.until(() -> this.postgresGuard.state() == CircuitBreaker.State.CLOSED);
		Duration closedAfter = Duration.ofNanos(System.nanoTime() - restoredAt);
		long closedAt = System.nanoTime();
		int sentAtClose = Load.sent.get();
		await().atMost(Duration.ofSeconds(15)).until(() -> Load.sent.get() > sentAtClose + 200);
		stop.set(true);
		runner.join(30_000);

		Load report = load[0];
		Map<Integer, Integer> afterClose = report.statusesBetween(closedAt, Long.MAX_VALUE);
		String figures = "postgres breaker closed " + closedAfter.toMillis() + " ms after the restore; "
				+ report.summary() + "; after it closed: " + afterClose + "; transitions: " + this.transitions.stream()
					.map((event) -> event.getCreationTime().toLocalTime() + " " + event.getStateTransition())
					.toList();
		System.out.println(figures);
		// wait-in-open-state (500 ms) and 3 probe calls, each opening a connection 100 ms away, on a busy machine.
		assertThat(closedAfter).as(figures).isLessThan(Duration.ofMillis(2500));
		assertThat(afterClose).as("requests sent once the breaker closed: " + figures).containsOnlyKeys(200);
		assertThat(this.postgresGuard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	/** {@code count} users, each a viewer of a fresh organization, never looked up; inserted in one statement each. */
	List<String> members(int count) {
		String org = fixtures.organization();
		database.execute("INSERT INTO users (id, name, email, email_verified, role, banned) SELECT '" + org
				+ "-u' || n, 'User ' || n, '" + org + "-u' || n || '@example.test', true, 'user', false "
				+ "FROM generate_series(1, " + count + ") AS n");
		database.execute("INSERT INTO members (id, user_id, organization_id, role, created_at) SELECT '" + org
				+ "-m' || n, '" + org + "-u' || n, '" + org + "', 'viewer', now() FROM generate_series(1, " + count
				+ ") AS n");
		List<String> users = new ArrayList<>();
		for (int n = 1; n <= count; n++) {
			users.add(org + "-u" + n + " " + org);
		}
		return users;
	}

	/**
	 * Threads that each take the next user not yet asked about (a cold lookup: their role is in no tier yet) and
	 * ask whether they may read their organization's orders, until the users run out, the time is up or
	 * {@code stop} is set; every answer is kept with the time its request was sent (an answer decided before the
	 * breaker closed can arrive after it, on a busy machine).
	 */
	record Load(List<Outcome> outcomes) {

		static final AtomicInteger sent = new AtomicInteger();

		static Load run(Traffic traffic, List<String> users, int threads, Duration limit, AtomicBoolean stop) {
			sent.set(0);
			AtomicInteger next = new AtomicInteger();
			Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
			long deadline = System.nanoTime() + limit.toNanos();
			CountDownLatch done = new CountDownLatch(threads);
			for (int t = 0; t < threads; t++) {
				Thread thread = new Thread(() -> {
					try {
						for (int i = next.getAndIncrement(); i < users.size() && !stop.get()
								&& System.nanoTime() < deadline; i = next.getAndIncrement()) {
							String[] userAndOrg = users.get(i).split(" ");
							String token = tokens.ed25519((claims) -> claims.subject(userAndOrg[0])
								.claim("organizationId", userAndOrg[1]));
							long sentAt = System.nanoTime();
							Traffic.Answer answer = traffic.send(new Traffic.Probe("cold", "GET",
									"/api/orgs/" + userAndOrg[1] + "/orders", token, Traffic.ok()));
							outcomes.add(new Outcome(sentAt, answer.status()));
							sent.incrementAndGet();
						}
					}
					finally {
						done.countDown();
					}
				}, "cold-load-" + t);
				thread.setDaemon(true);
				thread.start();
			}
			try {
				done.await(limit.toSeconds() + 20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new Load(List.copyOf(outcomes));
		}

		int count() {
			return this.outcomes.size();
		}

		Map<Integer, Integer> statuses() {
			return statusesBetween(Long.MIN_VALUE, Long.MAX_VALUE);
		}

		Map<Integer, Integer> statusesBetween(long from, long to) {
			Map<Integer, Integer> statuses = new TreeMap<>();
			this.outcomes.stream()
				.filter((outcome) -> outcome.at() >= from && outcome.at() < to)
				.forEach((outcome) -> statuses.merge(outcome.status(), 1, Integer::sum));
			return statuses;
		}

		String summary() {
			return count() + " cold lookups, statuses " + statuses();
		}

	}

	/** A request's status and when it was sent. */
	record Outcome(long at, int status) {

	}

}
