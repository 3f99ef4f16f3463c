package dev.tenantgate.it;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tenantgate.it.Traffic.ok;
import static dev.tenantgate.it.Traffic.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL cut away and slowed down behind a proxy while requests run. Answers already cached (in-process and in
 * Redis) keep working; a lookup that needs PostgreSQL fails closed with 503 {@code role_unavailable}, never 200 for
 * a case that must be denied and never 500; once PostgreSQL is back, cold lookups succeed again within seconds
 * without a restart (the breaker waits 500 ms here before it probes).
 */
@DirtiesContext
class PostgresFaultIntegrationTests extends GatewayIntegrationTestSupport {

	static final String PREFIX = "pgfault" + TestDatabase.newId().substring(0, 8) + ".";

	static TcpProxy postgresProxy;

	static StatefulRedisConnection<String, String> directRedis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.Endpoints services = TestServices.require();
		postgresProxy = TcpProxy.start("postgres", services.pgHost(), services.pgPort());
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.nats.url=" + services.natsUrl(),
				"tenantgate.nats.subject-prefix=" + PREFIX, "tenantgate.resilience.postgres.timeout=1s",
				"tenantgate.resilience.postgres.wait-in-open-state=500ms");
		String throughProxy = "r2dbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + database.name();
		registry.add("spring.r2dbc.url", () -> throughProxy);
	}

	@AfterEach
	void restorePostgres() {
		postgresProxy.restore();
	}

	@AfterAll
	static void disconnect() {
		if (directRedis != null) {
			directRedis.close();
			directRedis = null;
		}
	}

	@Test
	void warmAnswersSurviveAPostgresCutAndColdLookupsFailClosedUntilItIsBack() {
		Members members = members();
		Traffic traffic = new Traffic(this.port);
		warmUp(traffic, members);

		postgresProxy.cut();
		Traffic.Report whileCut = traffic.run(members.whileDown(), 4, Duration.ofSeconds(3), 4000);
		assertThat(postgresProxy.connectionsRefused()).as("cold lookups tried PostgreSQL while it was cut").isPositive();

		postgresProxy.restore();
		long restoredAt = System.nanoTime();
		awaitRecovery(traffic, members);
		Duration recovery = Duration.ofNanos(System.nanoTime() - restoredAt);
		Traffic.Report afterRestore = traffic.run(members.whenUp(), 4, Duration.ofMillis(1500), 3000);

		assertThat(whileCut.violations()).as(whileCut.summary()).isEmpty();
		assertThat(whileCut.requests()).as(whileCut.summary()).isGreaterThan(20);
		assertThat(recovery).as("recovery after PostgreSQL is back").isLessThan(Duration.ofSeconds(8));
		assertThat(afterRestore.violations()).as(afterRestore.summary()).isEmpty();
	}

	@Test
	void postgresSlowerThanItsTimeoutFailsClosedAndRecovers() {
		Members members = members();
		Traffic traffic = new Traffic(this.port);
		warmUp(traffic, members);

		postgresProxy.delay(Duration.ofSeconds(3));
		Traffic.Report whileSlow = traffic.run(members.whileDown(), 4, Duration.ofSeconds(4), 4000);

		postgresProxy.restore();
		awaitRecovery(traffic, members);
		Traffic.Report afterRestore = traffic.run(members.whenUp(), 4, Duration.ofMillis(1500), 3000);

		assertThat(whileSlow.violations()).as(whileSlow.summary()).isEmpty();
		assertThat(whileSlow.requests()).as(whileSlow.summary()).isGreaterThan(10);
		assertThat(afterRestore.violations()).as(afterRestore.summary()).isEmpty();
	}

	/**
	 * Until every cold lookup gets its real answer. The breaker lets 3 probe calls through half-open and closes once
	 * they succeed; until then a cold lookup may still get 503, which is failing closed, not a wrong answer.
	 */
	static void awaitRecovery(Traffic traffic, Members members) {
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			for (Traffic.Probe probe : members.cold()) {
				assertThat(probe.expected().apply(traffic.send(probe))).as(probe.name()).isNull();
			}
		});
	}

	/** Fills the in-process and Redis tiers for the warm members, and waits until Redis holds their entries. */
	void warmUp(Traffic traffic, Members members) {
		for (Traffic.Probe probe : members.warm()) {
			assertThat(probe.expected().apply(traffic.send(probe))).as(probe.name()).isNull();
		}
		StatefulRedisConnection<String, String> redis = directRedis();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			for (String key : members.warmRedisKeys()) {
				assertThat(redis.sync().get(key)).as(key).isNotNull();
			}
		});
	}

	static StatefulRedisConnection<String, String> directRedis() {
		if (directRedis == null) {
			TestServices.Endpoints services = TestServices.require();
			directRedis = RedisClient.create("redis://" + services.redisHost() + ":" + services.redisPort()).connect();
		}
		return directRedis;
	}

	/** Members of a fresh organization: two already looked up (warm), three never looked up (cold). */
	Members members() {
		String org = fixtures.organization();
		String otherOrg = fixtures.organization();
		String owner = fixtures.user("user");
		String viewer = fixtures.user("user");
		String staff = fixtures.user("user");
		String coldViewer = fixtures.user("user");
		String outsider = fixtures.user("user");
		fixtures.member(owner, org, "owner");
		fixtures.member(viewer, org, "viewer");
		fixtures.member(staff, org, "staff");
		fixtures.member(coldViewer, org, "viewer");
		return new Members(org, otherOrg, owner, viewer, staff, coldViewer, outsider);
	}

	record Members(String org, String otherOrg, String owner, String viewer, String staff, String coldViewer,
			String outsider) {

		String orders() {
			return "/api/orgs/" + this.org + "/orders";
		}

		List<Traffic.Probe> warm() {
			return List.of(new Traffic.Probe("warm owner reads", "GET", orders(), noClaim(this.owner), ok()),
					new Traffic.Probe("warm owner deletes", "DELETE", orders() + "/1", noClaim(this.owner), ok()),
					new Traffic.Probe("warm viewer creates", "POST", orders(), noClaim(this.viewer),
							problem(403, "role_insufficient")),
					new Traffic.Probe("warm viewer reads, claim", "GET", orders(),
							tokens.token(this.viewer, this.org, "viewer"), ok()),
					new Traffic.Probe("warm owner reads other tenant", "GET", "/api/orgs/" + this.otherOrg + "/orders",
							tokens.token(this.owner, this.org, "owner"), problem(403, "tenant_mismatch")),
					new Traffic.Probe("token for another audience", "GET", orders(), tokens.ed25519((claims) -> claims
						.subject(this.owner)
						.claim("organizationId", this.org)
						.audience("http://other.test")), problem(401, "token_invalid")),
					new Traffic.Probe("public status", "GET", "/api/status", null, ok()));
		}

		List<String> warmRedisKeys() {
			return List.of("perm:" + this.owner + ":" + this.org, "perm:" + this.viewer + ":" + this.org,
					"perm-user:" + this.owner, "perm-user:" + this.viewer);
		}

		Traffic.Probe coldStaffCreates() {
			return new Traffic.Probe("cold staff creates", "POST", orders(), noClaim(this.staff), ok());
		}

		/** Never looked up before PostgreSQL went away, so they stay cold while it is away. */
		List<Traffic.Probe> cold() {
			return List.of(coldStaffCreates(),
					new Traffic.Probe("cold staff creates, claim", "POST", orders(),
							tokens.token(this.staff, this.org, "staff"), ok()),
					new Traffic.Probe("cold viewer creates, claim", "POST", orders(),
							tokens.token(this.coldViewer, this.org, "viewer"), problem(403, "role_insufficient")),
					new Traffic.Probe("cold outsider reads", "GET", orders(), noClaim(this.outsider),
							problem(403, "not_a_member")),
					new Traffic.Probe("cold staff reads other tenant", "GET", "/api/orgs/" + this.otherOrg + "/orders",
							tokens.token(this.staff, this.org, "staff"), problem(403, "tenant_mismatch")));
		}

		/** Warm probes keep their answers; every cold one is 503 role_unavailable with Retry-After. */
		List<Traffic.Probe> whileDown() {
			List<Traffic.Probe> probes = new java.util.ArrayList<>(warm());
			cold().forEach((probe) -> probes.add(probe.expecting(problem(503, "role_unavailable"))));
			return probes;
		}

		List<Traffic.Probe> whenUp() {
			List<Traffic.Probe> probes = new java.util.ArrayList<>(warm());
			probes.addAll(cold());
			return probes;
		}

		String noClaim(String userId) {
			return tokens.ed25519((claims) -> claims.subject(userId).claim("organizationId", this.org));
		}

	}

}
