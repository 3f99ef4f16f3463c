package dev.tenantgate.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tenantgate.invalidation.NatsEventSubscriber;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.tenantgate.it.Traffic.ok;
import static dev.tenantgate.it.Traffic.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis cut away and slowed down behind a proxy while requests run: Redis is only a cache, so every answer stays
 * exactly what it is with Redis up, and nothing is ever a 5xx. The in-process tier lives 2 s here, so lookups keep
 * going down to Redis and PostgreSQL during the test.
 */
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFaultIntegrationTests extends GatewayIntegrationTestSupport {

	static final String PREFIX = "redisfault" + TestDatabase.newId().substring(0, 8) + ".";

	static TcpProxy redisProxy;

	static StatefulRedisConnection<String, String> directRedis;

	static Connection nats;

	static boolean subscribed;

	@Autowired
	NatsEventSubscriber subscriber;

	@Autowired
	ReactiveStringRedisTemplate gatewayRedis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.Endpoints services = TestServices.require();
		redisProxy = TcpProxy.start("redis", services.redisHost(), services.redisPort());
		// The gateway starts while Redis hangs (the first test): it must start anyway and open the connection later.
		redisProxy.blackhole();
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redisProxy.port(), "tenantgate.nats.url=" + services.natsUrl(),
				"tenantgate.nats.subject-prefix=" + PREFIX, "tenantgate.roles.local.ttl=2s",
				"tenantgate.roles.local.negative-ttl=1s");
	}

	@BeforeEach
	void connected() throws Exception {
		TestServices.Endpoints services = TestServices.require();
		if (directRedis == null) {
			directRedis = RedisClient.create("redis://" + services.redisHost() + ":" + services.redisPort()).connect();
			nats = Nats.connect(services.natsUrl());
		}
		// Role claims count only in tokens issued after the subscription: wait for it before issuing any.
		if (!subscribed) {
			await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED".equals(this.subscriber.status()));
			Thread.sleep(1100); // tokens have second-precision iat: issue them strictly after the subscription
			subscribed = true;
		}
	}

	@AfterEach
	void restoreRedis() {
		redisProxy.restore();
	}

	@AfterAll
	static void disconnect() throws InterruptedException {
		if (directRedis != null) {
			directRedis.close();
			directRedis = null;
		}
		if (nats != null) {
			nats.close();
		}
	}

	/**
	 * Runs first: Redis has hung since before the gateway started, as when the gateway (re)starts during a Redis
	 * incident, so the gateway has never had a Redis connection yet.
	 */
	// issue-4
	@Test
	@Order(1)
	void answersStayExactWhenRedisHangsBeforeTheFirstLookup() {
		List<Traffic.Probe> probes = tenantProbes();
		Traffic traffic = new Traffic(this.port);
		Traffic.Report hanging = traffic.run(probes, 4, Duration.ofSeconds(4), 4000);
		redisProxy.restore();
		awaitGatewayRedis();
		Traffic.Report restored = traffic.run(probes, 4, Duration.ofSeconds(1), 2000);

		assertThat(hanging.violations()).as(hanging.summary()).isEmpty();
		assertThat(hanging.requests()).as(hanging.summary()).isGreaterThan(20);
		assertThat(restored.violations()).as(restored.summary()).isEmpty();
	}

	@Test
	@Order(2)
	void answersStayExactWhileRedisIsCutAndRestored() {
		List<Traffic.Probe> probes = tenantProbes();
		Traffic traffic = new Traffic(this.port);
		List<Traffic.Report> reports = new ArrayList<>();
		reports.add(traffic.run(probes, 4, Duration.ofMillis(1500), 2000));

		redisProxy.cut();
		reports.add(traffic.run(probes, 4, Duration.ofSeconds(3), 4000));
		assertThat(redisProxy.connectionsRefused()).as("the gateway tried to reach Redis while it was cut").isPositive();

		redisProxy.restore();
		reports.add(traffic.run(probes, 4, Duration.ofSeconds(2), 3000));
		awaitGatewayRedis();
		reports.add(traffic.run(probes, 4, Duration.ofSeconds(1), 2000));

		for (Traffic.Report report : reports) {
			assertThat(report.violations()).as(report.summary()).isEmpty();
			assertThat(report.requests()).as(report.summary()).isGreaterThan(20);
		}
	}

	@Test
	@Order(3)
	void answersStayExactWhileRedisIsSlowerThanItsTimeout() {
		List<Traffic.Probe> probes = tenantProbes();
		Traffic traffic = new Traffic(this.port);
		redisProxy.delay(Duration.ofSeconds(1));
		Traffic.Report slow = traffic.run(probes, 4, Duration.ofSeconds(3), 4000);
		redisProxy.restore();
		Traffic.Report restored = traffic.run(probes, 4, Duration.ofSeconds(1), 2000);

		assertThat(slow.violations()).as(slow.summary()).isEmpty();
		assertThat(slow.requests()).as(slow.summary()).isGreaterThan(20);
		assertThat(restored.violations()).as(restored.summary()).isEmpty();
	}

	// issue-4
	@Test
	@Order(4)
	void roleChangeReceivedWhileRedisIsCutIsStillEnforcedAfterRestore() throws Exception {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "owner");
		String ownerClaim = tokens.token(user, org, "owner");
		String noClaim = tokens.ed25519((claims) -> claims.subject(user).claim("organizationId", org));
		Traffic traffic = new Traffic(this.port);
		Traffic.Probe withClaim = new Traffic.Probe("delete with owner claim", "DELETE",
				"/api/orgs/" + org + "/orders/1", ownerClaim, ok());
		Traffic.Probe withoutClaim = new Traffic.Probe("delete without claim", "DELETE",
				"/api/orgs/" + org + "/orders/1", noClaim, ok());
		assertThat(traffic.send(withClaim).status()).isEqualTo(200);
		// Lookups repeat once the in-process entry expires: one of them fills Redis (the breaker may still be open).
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
			assertThat(traffic.send(withoutClaim).status()).isEqualTo(200);
			return directRedis.sync().get("perm:" + user + ":" + org) != null;
		});

		redisProxy.cut();
		fixtures.setMemberRole(user, org, "viewer");
		nats.publish(PREFIX + "member.role.changed", ("{\"eventId\":\"" + TestDatabase.newId() + "\",\"userId\":\""
				+ user + "\",\"organizationId\":\"" + org + "\",\"role\":\"viewer\",\"previousRole\":\"owner\","
				+ "\"occurredAt\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8));
		List<Traffic.Probe> demoted = List.of(withClaim.expecting(problem(403, "role_insufficient")),
				withoutClaim.expecting(problem(403, "role_insufficient")));
		await().atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(traffic.run(demoted, 1, Duration.ofSeconds(1), 2).violations()).isEmpty());
		Traffic.Report whileCut = traffic.run(demoted, 2, Duration.ofSeconds(1), 200);

		redisProxy.restore();
		awaitGatewayRedis();
		// Past the Redis breaker's wait (2 s) and the in-process tier and change-time mirror (2 s here): the answer
		// now rests on what Redis holds.
		Traffic.Report afterRestore = traffic.run(demoted, 2, Duration.ofSeconds(6), 4000);

		assertThat(whileCut.violations()).as(whileCut.summary()).isEmpty();
		assertThat(afterRestore.violations()).as(afterRestore.summary()).isEmpty();
	}

	/** Members of one organization doing what their roles allow and what they do not, with and without claims. */
	List<Traffic.Probe> tenantProbes() {
		String orgA = fixtures.organization();
		String orgB = fixtures.organization();
		String owner = fixtures.user("user");
		String staff = fixtures.user("user");
		String viewer = fixtures.user("user");
		String outsider = fixtures.user("user");
		String banned = fixtures.user("user", true, null);
		String platformAdmin = fixtures.user("admin");
		fixtures.member(owner, orgA, "owner");
		fixtures.member(staff, orgA, "staff");
		fixtures.member(viewer, orgA, "viewer");
		fixtures.member(banned, orgA, "owner");
		String orders = "/api/orgs/" + orgA + "/orders";
		return List.of(new Traffic.Probe("owner reads", "GET", orders, noClaim(owner, orgA), ok()),
				new Traffic.Probe("owner deletes", "DELETE", orders + "/1", noClaim(owner, orgA), ok()),
				new Traffic.Probe("viewer creates", "POST", orders, noClaim(viewer, orgA),
						problem(403, "role_insufficient")),
				new Traffic.Probe("viewer reads, claim", "GET", orders, tokens.token(viewer, orgA, "viewer"), ok()),
				new Traffic.Probe("staff creates, claim", "POST", orders, tokens.token(staff, orgA, "staff"), ok()),
				new Traffic.Probe("staff deletes", "DELETE", orders + "/1", noClaim(staff, orgA),
						problem(403, "role_insufficient")),
				new Traffic.Probe("outsider reads", "GET", orders, noClaim(outsider, orgA), problem(403, "not_a_member")),
				new Traffic.Probe("owner reads other tenant", "GET", "/api/orgs/" + orgB + "/orders",
						tokens.token(owner, orgA, "owner"), problem(403, "tenant_mismatch")),
				new Traffic.Probe("owner bills", "GET", "/api/orgs/" + orgA + "/billing/x", noClaim(owner, orgA), ok()),
				new Traffic.Probe("staff bills, claim", "GET", "/api/orgs/" + orgA + "/billing/x",
						tokens.token(staff, orgA, "staff"), problem(403, "role_insufficient")),
				new Traffic.Probe("banned owner reads", "GET", orders, tokens.token(banned, orgA, "owner"),
						problem(403, "user_banned")),
				new Traffic.Probe("platform admin", "GET", "/api/admin/users", noClaim(platformAdmin, orgB), ok()),
				new Traffic.Probe("owner at admin", "GET", "/api/admin/users", noClaim(owner, orgA),
						problem(403, "role_insufficient")));
	}

	static String noClaim(String userId, String organizationId) {
		return tokens.ed25519((claims) -> claims.subject(userId).claim("organizationId", organizationId));
	}

	/** Until the gateway's own Redis connection works again (Lettuce reconnects with a growing back-off). */
	void awaitGatewayRedis() {
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
			this.gatewayRedis.opsForValue().get("tenantgate-probe").block(Duration.ofMillis(500));
			return true;
		});
	}

}
