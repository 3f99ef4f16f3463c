package dev.tenantgate.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.PostgresRoleReads;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * Role resolution under churn, with 100 requests always in flight over at least 20 members with known roles (each
 * on a route their role allows and one it does not, with and without role claims), and PostgreSQL, Redis and NATS
 * each behind a proxy: NATS restarted, PostgreSQL cut for 2 s, all three cut for 2 s. Each scenario counts every
 * 503, every wrong answer (anything but the member's true answer or a fail-closed 503 {@code role_unavailable}),
 * and the PostgreSQL reads per distinct key, counted on the wire between the gateway and PostgreSQL.
 * <p>
 * The gateway runs with its default settings (pool, bulkhead, breaker, tiers), as it is deployed.
 */
// issue-25
@DirtiesContext
@Tag("churn")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChurnIntegrationTests extends GatewayIntegrationTestSupport {

	static final int IN_FLIGHT = 100;

	static final int MEMBERS = 32;

	static final Duration BEFORE = Duration.ofSeconds(2);

	static final Duration CUT = Duration.ofSeconds(2);

	/** From this long after a restore, nothing may be refused as unavailable. */
	static final Duration SETTLED = Duration.ofSeconds(2);

	static final Duration AFTER = Duration.ofSeconds(4);

	/** A change made while NATS was away is enforced this long after the gateway is back on NATS. */
	static final Duration ENFORCED_WITHIN = Duration.ofSeconds(1);

	static final String PREFIX = "churn" + TestDatabase.newId().substring(0, 8) + ".";

	static TcpProxy postgresProxy;

	static TcpProxy redisProxy;

	static TcpProxy natsProxy;

	static PostgresRoleReads reads;

	static Connection nats;

	static final HttpClient health = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/** When this test last saw the gateway's NATS subscription come (back) up. */
	static Instant connectedAt = Instant.EPOCH;

	static boolean natsUp;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.Endpoints services = TestServices.require();
		postgresProxy = TcpProxy.start("postgres", services.pgHost(), services.pgPort());
		redisProxy = TcpProxy.start("redis", services.redisHost(), services.redisPort());
		URI natsServer = URI.create(services.natsUrl());
		natsProxy = TcpProxy.start("nats", natsServer.getHost(), natsServer.getPort());
		reads = PostgresRoleReads.attach(postgresProxy, "users", "members");
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redisProxy.port(), "tenantgate.nats.url=nats://127.0.0.1:" + natsProxy.port(),
				"tenantgate.nats.subject-prefix=" + PREFIX);
		String throughProxy = "r2dbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + database.name();
		registry.add("spring.r2dbc.url", () -> throughProxy);
	}

	@BeforeEach
	void connected() throws Exception {
		if (nats == null) {
			nats = Nats.connect(TestServices.require().natsUrl());
		}
		awaitNats(true);
	}

	@AfterEach
	void restoreAll() {
		postgresProxy.restore();
		redisProxy.restore();
		natsProxy.restore();
	}

	@AfterAll
	static void disconnect() throws InterruptedException {
		if (nats != null) {
			nats.close();
			nats = null;
		}
	}

	/**
	 * NATS goes away for 2 s and comes back, while one member is demoted and another promoted (the database updated
	 * and the events published while the gateway cannot hear them): nobody whose role did not change is refused,
	 * nothing is answered wrongly, each key is read from PostgreSQL at most once after the reconnect, and both
	 * changes are enforced within a second of it.
	 */
	@Test
	@Order(1)
	void natsRestartUnderLoadRefusesNobodyAndEnforcesTheChangesMadeInTheGap() {
		Population population = population();
		String demoted = population.extraMember("staff");
		String promoted = population.extraMember("viewer");
		List<ChurnCase> changing = List.of(
				population.changing(demoted, "staff", "POST", population.orders(), 200, null, 403, "role_insufficient"),
				population.changing(promoted, "viewer", "DELETE", population.orders() + "/1", 403, "role_insufficient",
						200, null));
		List<ChurnCase> cases = new ArrayList<>(population.held());
		cases.addAll(changing.stream().flatMap((item) -> List.of(item, item.withoutClaim()).stream()).toList());
		warmUp(cases);

		ChurnLoad<ChurnCase> load = new ChurnLoad<>(this.port, IN_FLIGHT);
		load.start(cases);
		ChurnLoad.until(System.nanoTime() + BEFORE.toNanos());
		long cutAt = System.nanoTime();
		natsProxy.cut();
		awaitNats(false);
		fixtures.setMemberRole(demoted, population.org(), "viewer");
		fixtures.setMemberRole(promoted, population.org(), "admin");
		publishRoleChange(demoted, population.org(), "viewer", "staff");
		publishRoleChange(promoted, population.org(), "admin", "viewer");
		ChurnLoad.until(cutAt + CUT.toNanos());
		long restoredAt = System.nanoTime();
		natsProxy.restore();
		double countedBefore = gatewayPostgresReads();
		long reconnectedAt = awaitNats(true);
		ChurnLoad.until(reconnectedAt + AFTER.toNanos());
		List<ChurnLoad.Result<ChurnCase>> results = load.stop();
		double countedByGateway = gatewayPostgresReads() - countedBefore;

		long enforcedFrom = reconnectedAt + ENFORCED_WITHIN.toNanos();
		Figures figures = new Figures("NATS restarted", results, restoredAt);
		figures.print(Map.of("reconnected after restore (ms)", millis(reconnectedAt - restoredAt),
				"503s to unchanged members, during the cut", figures.unavailable((result) -> !result.item().changing()
						&& result.sentAt() - cutAt >= 0 && result.sentAt() - restoredAt < 0),
				"503s to unchanged members, from the restore", figures.unavailable((result) -> !result.item().changing()
						&& result.sentAt() - restoredAt >= 0),
				"PostgreSQL reads from the restore by the gateway's own meters", countedByGateway,
				"changed members: answers sent from reconnect + 1 s", count(results, (result) -> result.item().changing()
						&& result.sentAt() - enforcedFrom >= 0)));
		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(figures.requests()).as("requests").isGreaterThan(IN_FLIGHT * 5);
		softly.assertThat(figures.unavailable((result) -> !result.item().changing()))
			.as("503s to members whose roles did not change")
			.isZero();
		softly.assertThat(figures.wrong((result) -> !result.item().changing(), ChurnCase::expected))
			.as("wrong answers to members whose roles did not change")
			.isEmpty();
		softly.assertThat(figures.wrong((result) -> result.item().changing() && result.sentAt() - cutAt < 0,
				ChurnCase::expected))
			.as("wrong answers to the changing members before the change")
			.isEmpty();
		softly.assertThat(figures.wrong((result) -> result.item().changing() && result.sentAt() - enforcedFrom >= 0,
				ChurnCase::changed))
			.as("answers to the changed members from 1 s after the reconnect that do not enforce the change")
			.isEmpty();
		softly.assertThat(figures.wrong((result) -> result.item().changing(), ChurnCase::eitherSideOfTheChange))
			.as("answers to the changing members that are neither the old nor the new answer")
			.isEmpty();
		figures.assertReadsPerKey(softly, "after the reconnect");
		softly.assertAll();
	}

	/**
	 * PostgreSQL refuses every connection for 2 s: members whose answers are held keep getting them unchanged,
	 * members never seen get 503, and from 2 s after PostgreSQL is back nobody gets 503 and each key is read at most
	 * once.
	 */
	@Test
	@Order(2)
	void postgresCutUnderLoadServesHeldAnswersAndRecoversWithinTwoSeconds() {
		cutUnderLoad("PostgreSQL cut", List.of(postgresProxy));
	}

	/** PostgreSQL, Redis and NATS all refuse for 2 s at once: the same as PostgreSQL alone. */
	@Test
	@Order(3)
	void allThreeCutUnderLoadServesHeldAnswersAndRecoversWithinTwoSeconds() {
		cutUnderLoad("PostgreSQL, Redis and NATS cut", List.of(postgresProxy, redisProxy, natsProxy));
	}

	void cutUnderLoad(String scenario, List<TcpProxy> proxies) {
		Population population = population();
		List<ChurnCase> held = population.held();
		List<ChurnCase> withNeverSeen = new ArrayList<>(held);
		withNeverSeen.addAll(population.neverSeen(8));
		warmUp(held);

		ChurnLoad<ChurnCase> load = new ChurnLoad<>(this.port, IN_FLIGHT);
		load.start(held);
		ChurnLoad.until(System.nanoTime() + BEFORE.toNanos());
		long cutAt = System.nanoTime();
		proxies.forEach(TcpProxy::cut);
		// Members never seen join the load only now, so nothing about them can be held.
		load.use(withNeverSeen);
		ChurnLoad.until(cutAt + CUT.toNanos());
		long restoredAt = System.nanoTime();
		proxies.forEach(TcpProxy::restore);
		double countedBefore = gatewayPostgresReads();
		long settledAt = restoredAt + SETTLED.toNanos();
		ChurnLoad.until(restoredAt + SETTLED.toNanos() + AFTER.toNanos());
		List<ChurnLoad.Result<ChurnCase>> results = load.stop();
		double countedByGateway = gatewayPostgresReads() - countedBefore;

		Predicate<ChurnLoad.Result<ChurnCase>> duringCut = (result) -> result.sentAt() - cutAt >= 0
				&& result.answeredAt() - restoredAt < 0;
		Predicate<ChurnLoad.Result<ChurnCase>> settled = (result) -> result.sentAt() - settledAt >= 0;
		Figures figures = new Figures(scenario, results, restoredAt);
		figures.print(Map.of("503s from restore + 2 s", figures.unavailable(settled),
				"503s to held members during the cut",
				figures.unavailable(duringCut.and((result) -> !result.item().neverSeen())),
				"answers to never-seen members during the cut",
				count(results, duringCut.and((result) -> result.item().neverSeen())),
				"PostgreSQL reads from the restore by the gateway's own meters", countedByGateway));
		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(figures.requests()).as("requests").isGreaterThan(IN_FLIGHT * 5);
		softly.assertThat(figures.unavailable(duringCut.and((result) -> !result.item().neverSeen())))
			.as("503s to members whose answers are held, during the cut")
			.isZero();
		softly.assertThat(figures.wrong(duringCut.and((result) -> result.item().neverSeen()), ChurnCase::unavailable))
			.as("answers other than 503 to members never seen, during the cut")
			.isEmpty();
		softly.assertThat(figures.wrong(duringCut.negate(), ChurnCase::expected))
			.as("wrong answers outside the cut")
			.isEmpty();
		softly.assertThat(figures.wrong(duringCut.and((result) -> !result.item().neverSeen()), ChurnCase::expected))
			.as("wrong answers to held members during the cut")
			.isEmpty();
		softly.assertThat(figures.unavailable(settled)).as("503s from 2 s after the restore").isZero();
		figures.assertReadsPerKey(softly, "after the restore");
		softly.assertAll();
	}

	/**
	 * Sends every case, a few at a time, until each has got its answer once (a breaker still open from before may
	 * refuse at first): their answers are then held.
	 */
	void warmUp(List<ChurnCase> cases) {
		long startedAt = System.nanoTime();
		Traffic traffic = new Traffic(this.port);
		ExecutorService senders = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> sent = new ArrayList<>();
			for (ChurnCase item : cases) {
				Traffic.Probe probe = new Traffic.Probe(item.name(), item.method(), item.path(), item.token(),
						(item.status() == 200) ? Traffic.ok() : Traffic.problem(item.status(), item.code()));
				sent.add(senders.submit(() -> await().atMost(Duration.ofSeconds(15))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> probe.expected().apply(traffic.send(probe)) == null)));
			}
			for (Future<?> each : sent) {
				each.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("warm-up: " + ex.getCause().getMessage(), ex.getCause());
		}
		finally {
			senders.shutdownNow();
		}
		System.out.println("churn warm-up of " + cases.size() + " cases: " + millis(System.nanoTime() - startedAt) + " ms");
	}

	/**
	 * Until the gateway's NATS subscription is {@code up} (or down) by its health, returning when that was seen
	 * ({@link System#nanoTime()}).
	 */
	long awaitNats(boolean up) {
		String wanted = up ? "UP" : "DOWN";
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> natsHealth().equals(wanted));
		long seenAt = System.nanoTime();
		if (up && !natsUp) {
			connectedAt = Instant.now();
		}
		natsUp = up;
		return seenAt;
	}

	/**
	 * Role claims count only in tokens issued after the subscription: waits until a token issued now has a later
	 * {@code iat} (whole seconds) than the last time the subscription came up.
	 */
	static void awaitClaimsCount() {
		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> Instant.now().getEpochSecond() > connectedAt.getEpochSecond() + 1);
	}

	/**
	 * The gateway's own count of PostgreSQL reads (answers and background refreshes from the postgres tier), printed
	 * beside the count on the wire; NaN when the meters are not there.
	 */
	double gatewayPostgresReads() {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus"))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			return health.send(request, HttpResponse.BodyHandlers.ofString())
				.body()
				.lines()
				.filter((line) -> line.startsWith("tenantgate_role_lookups_total{")
						|| line.startsWith("tenantgate_role_refreshes_total{"))
				.filter((line) -> line.contains("tier=\"postgres\""))
				.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Double.NaN;
		}
	}

	String natsHealth() {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/nats"))
			.timeout(Duration.ofSeconds(2))
			.build();
		try {
			String body = health.send(request, HttpResponse.BodyHandlers.ofString()).body();
			return body.contains("\"status\":\"UP\"") ? "UP" : "DOWN";
		}
		catch (IOException ex) {
			return "UNREACHABLE";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "UNREACHABLE";
		}
	}

	static void publishRoleChange(String user, String org, String role, String previousRole) {
		nats.publish(PREFIX + "member.role.changed", ("{\"eventId\":\"" + TestDatabase.newId() + "\",\"userId\":\"" + user
				+ "\",\"organizationId\":\"" + org + "\",\"role\":\"" + role + "\",\"previousRole\":\"" + previousRole
				+ "\",\"occurredAt\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8));
	}

	static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	static long count(List<ChurnLoad.Result<ChurnCase>> results, Predicate<ChurnLoad.Result<ChurnCase>> which) {
		return results.stream().filter(which).count();
	}

	/** A fresh organization with {@link #MEMBERS} members, a quarter in each role. */
	Population population() {
		awaitClaimsCount();
		long startedAt = System.nanoTime();
		String org = fixtures.organization();
		List<String> roles = List.of("owner", "admin", "staff", "viewer");
		List<Member> members = new ArrayList<>();
		for (int i = 0; i < MEMBERS; i++) {
			String role = roles.get(i % roles.size());
			String user = fixtures.user("user");
			fixtures.member(user, org, role);
			members.add(new Member(user, role));
		}
		System.out.println("churn population: " + millis(System.nanoTime() - startedAt) + " ms");
		return new Population(org, members);
	}

	record Member(String user, String role) {
	}

	record Population(String org, List<Member> members) {

		String orders() {
			return "/api/orgs/" + this.org + "/orders";
		}

		/** Per member, a route their role allows and one it does not, each with and without the role claim. */
		List<ChurnCase> held() {
			List<ChurnCase> cases = new ArrayList<>();
			for (Member member : this.members) {
				for (boolean claim : new boolean[] { true, false }) {
					String token = claim ? tokens.token(member.user(), this.org, member.role()) : noClaim(member.user());
					switch (member.role()) {
						case "viewer" -> {
							cases.add(held(member, claim, "GET", orders(), token, 200, null));
							cases.add(held(member, claim, "POST", orders(), token, 403, "role_insufficient"));
						}
						case "staff" -> {
							cases.add(held(member, claim, "POST", orders(), token, 200, null));
							cases.add(held(member, claim, "DELETE", orders() + "/1", token, 403, "role_insufficient"));
						}
						case "admin" -> {
							cases.add(held(member, claim, "DELETE", orders() + "/1", token, 200, null));
							cases.add(held(member, claim, "GET", "/api/orgs/" + this.org + "/billing/x", token, 403,
									"role_insufficient"));
						}
						default -> {
							cases.add(held(member, claim, "GET", "/api/orgs/" + this.org + "/billing/x", token, 200,
									null));
							cases.add(held(member, claim, "GET", "/api/admin/users", token, 403, "role_insufficient"));
						}
					}
				}
			}
			return cases;
		}

		ChurnCase held(Member member, boolean claim, String method, String path, String token, int status,
				String code) {
			return new ChurnCase(member.role() + (claim ? " with claim " : " ") + method + " " + path, member.user(),
					this.org, method, path, token, status, code, Kind.HELD, 0, null, claim);
		}

		/** Staff members added now and never asked about before a cut: they may create orders. */
		List<ChurnCase> neverSeen(int count) {
			List<ChurnCase> cases = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				String user = extraMember("staff");
				cases.add(new ChurnCase("never seen staff with claim POST", user, this.org, "POST", orders(),
						tokens.token(user, this.org, "staff"), 200, null, Kind.NEVER_SEEN, 0, null, true));
				cases.add(new ChurnCase("never seen staff POST", user, this.org, "POST", orders(), noClaim(user), 200,
						null, Kind.NEVER_SEEN, 0, null, false));
			}
			return cases;
		}

		String extraMember(String role) {
			String user = fixtures.user("user");
			fixtures.member(user, this.org, role);
			return user;
		}

		/** A member whose role changes during the scenario, with the claim of their role before the change. */
		ChurnCase changing(String user, String role, String method, String path, int status, String code,
				int changedStatus, String changedCode) {
			return new ChurnCase(role + " changing, with claim " + method, user, this.org, method, path,
					tokens.token(user, this.org, role), status, code, Kind.CHANGING, changedStatus, changedCode, true);
		}

		String noClaim(String user) {
			return tokens.ed25519((claims) -> claims.subject(user).claim("organizationId", this.org));
		}

	}

	enum Kind {

		/** Asked about before anything is cut. */
		HELD,

		/** First asked about while a store is cut. */
		NEVER_SEEN,

		/** Their role changes while NATS is cut. */
		CHANGING

	}

	/**
	 * One request of the load and its true answer ({@code code} null for 200), and for a changing member the true
	 * answer after the change.
	 */
	record ChurnCase(String name, String user, String org, String method, String path, String token, int status,
			String code, Kind kind, int changedStatus, String changedCode, boolean claim) implements ChurnLoad.Case {

		boolean changing() {
			return this.kind == Kind.CHANGING;
		}

		boolean neverSeen() {
			return this.kind == Kind.NEVER_SEEN;
		}

		ChurnCase withoutClaim() {
			return new ChurnCase(this.name.replace(", with claim", ","), this.user, this.org, this.method, this.path,
					tokens.ed25519((claims) -> claims.subject(this.user).claim("organizationId", this.org)), this.status,
					this.code, this.kind, this.changedStatus, this.changedCode, false);
		}

		/** Null when {@code result} is the true answer or a fail-closed 503, else what is wrong with it. */
		static String expected(ChurnLoad.Result<ChurnCase> result) {
			return isUnavailable(result) ? null : mismatch(result, result.item().status(), result.item().code());
		}

		static String changed(ChurnLoad.Result<ChurnCase> result) {
			return mismatch(result, result.item().changedStatus(), result.item().changedCode());
		}

		static String eitherSideOfTheChange(ChurnLoad.Result<ChurnCase> result) {
			return (expected(result) == null || changed(result) == null) ? null : "neither the old nor the new answer";
		}

		static String unavailable(ChurnLoad.Result<ChurnCase> result) {
			return isUnavailable(result) ? null : "expected 503 role_unavailable";
		}

		static boolean isUnavailable(ChurnLoad.Result<ChurnCase> result) {
			return result.status() == 503 && "role_unavailable".equals(result.code());
		}

		private static String mismatch(ChurnLoad.Result<ChurnCase> result, int status, String code) {
			boolean same = result.status() == status && (code == null || code.equals(result.code()));
			return same ? null : "expected " + status + ((code != null) ? " " + code : "");
		}

		@Override
		public String toString() {
			return this.name + " (" + this.user + ")";
		}

	}

	/** The counts of one scenario's answers and of the PostgreSQL reads from {@code readsFrom}. */
	static final class Figures {

		private final String scenario;

		private final List<ChurnLoad.Result<ChurnCase>> results;

		private final Map<String, Integer> readsPerKey;

		Figures(String scenario, List<ChurnLoad.Result<ChurnCase>> results, long readsFrom) {
			this.scenario = scenario;
			this.results = results;
			this.readsPerKey = reads.perKeySince(readsFrom);
		}

		int requests() {
			return this.results.size();
		}

		long unavailable(Predicate<ChurnLoad.Result<ChurnCase>> which) {
			return this.results.stream().filter(which).filter((result) -> result.status() == 503).count();
		}

		/** The answers among {@code which} that {@code judge} finds wrong, each with what is wrong. */
		List<String> wrong(Predicate<ChurnLoad.Result<ChurnCase>> which,
				Function<ChurnLoad.Result<ChurnCase>, String> judge) {
			return wrongAnswers(which, judge).limit(20).toList();
		}

		long wrongCount(Predicate<ChurnLoad.Result<ChurnCase>> which,
				Function<ChurnLoad.Result<ChurnCase>, String> judge) {
			return wrongAnswers(which, judge).count();
		}

		private Stream<String> wrongAnswers(Predicate<ChurnLoad.Result<ChurnCase>> which,
				Function<ChurnLoad.Result<ChurnCase>, String> judge) {
			return this.results.stream()
				.filter(which)
				.map((result) -> {
					String wrong = judge.apply(result);
					return (wrong != null) ? wrong + ", got " + result : null;
				})
				.filter(Objects::nonNull);
		}

		int maxReadsPerKey() {
			return this.readsPerKey.values().stream().mapToInt(Integer::intValue).max().orElse(0);
		}

		void assertReadsPerKey(SoftAssertions softly, String when) {
			softly.assertThat(reads.unreadableConnections()).as("PostgreSQL connections the counter could not read")
				.isEmpty();
			softly.assertThat(maxReadsPerKey())
				.as("PostgreSQL reads per distinct key " + when + " (" + readSummary() + ")")
				.isLessThanOrEqualTo(1);
		}

		String readSummary() {
			int total = this.readsPerKey.values().stream().mapToInt(Integer::intValue).sum();
			Map<String, Integer> worst = this.readsPerKey.entrySet()
				.stream()
				.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
				.limit(5)
				.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
			return total + " reads of " + this.readsPerKey.size() + " distinct keys, at most " + maxReadsPerKey()
					+ " per key; most read: " + worst;
		}

		void print(Map<String, Object> extra) {
			Map<Integer, Long> statuses = new TreeMap<>(this.results.stream()
				.collect(Collectors.groupingBy(ChurnLoad.Result::status, Collectors.counting())));
			System.out.println("churn [" + this.scenario + "] " + requests() + " requests, statuses " + statuses
					+ ", 503s " + unavailable((result) -> true) + ", wrong answers "
					+ wrongCount((result) -> !result.item().changing(), ChurnCase::expected)
					+ "; PostgreSQL " + readSummary() + "; " + new TreeMap<>(extra));
		}

	}

}
