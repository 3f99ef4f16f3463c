package dev.tenantgate.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

import dev.tenantgate.TenantgateApplication;
import dev.tenantgate.invalidation.NatsEventSubscriber;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances sharing the real Redis, NATS and PostgreSQL: each change event is enforced on both within a
 * second, including against a still-valid token whose claims predate the change.
 */
class TwoInstanceConsistencyIntegrationTests {

	static final Duration WITHIN = Duration.ofSeconds(1);

	static final String PREFIX = "it" + TestDatabase.newId().substring(0, 8) + ".";

	static List<ConfigurableApplicationContext> instances;

	static List<WebTestClient> clients;

	static BetterAuthFixtures fixtures;

	static TestDatabase database;

	static Connection nats;

	@BeforeAll
	static void startTwoInstances() throws Exception {
		TestServices.Endpoints services = TestServices.require();
		database = TestDatabase.create(services, "plural-snake");
		fixtures = new BetterAuthFixtures(database, SchemaPreset.PLURAL_SNAKE);
		GatewayIntegrationTestSupport.wireMock.isRunning();
		instances = List.of(start(services), start(services));
		clients = instances.stream()
			.map((context) -> WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"))
				.build())
			.toList();
		nats = Nats.connect(services.natsUrl());
		for (ConfigurableApplicationContext context : instances) {
			NatsEventSubscriber subscriber = context.getBean(NatsEventSubscriber.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED".equals(subscriber.status()));
		}
		Thread.sleep(200); // let the subscriptions reach the server
	}

	private static ConfigurableApplicationContext start(TestServices.Endpoints services) {
		return new SpringApplicationBuilder(TenantgateApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--spring.r2dbc.url=" + database.r2dbcUrl(),
				"--spring.r2dbc.username=" + services.pgUser(),
				"--spring.r2dbc.password=" + services.pgPassword(), "--spring.data.redis.host=" + services.redisHost(),
				"--spring.data.redis.port=" + services.redisPort(),
				"--tenantgate.token.jwks-uri=" + GatewayIntegrationTestSupport.wireMock.baseUrl() + "/api/auth/jwks",
				"--tenantgate.token.issuer=" + dev.tenantgate.support.TestTokens.ISSUER,
				"--tenantgate.token.audiences=" + dev.tenantgate.support.TestTokens.AUDIENCE,
				"--tenantgate.routes-file=classpath:routes-it.yml",
				"--test.downstream.port=" + GatewayIntegrationTestSupport.wireMock.port(),
				"--test.closed.port=" + GatewayIntegrationTestSupport.closedPort(),
				"--tenantgate.nats.url=" + services.natsUrl(), "--tenantgate.nats.subject-prefix=" + PREFIX,
				"--tenantgate.nats.replay.storage=memory");
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (instances != null) {
			instances.forEach(ConfigurableApplicationContext::close);
		}
		if (nats != null) {
			nats.close();
		}
	}

	static String tokenIssuedBefore(String userId, String orgId, String orgRole, String platformRole) {
		return GatewayIntegrationTestSupport.tokens.ed25519((claims) -> {
			claims.subject(userId).claim("organizationId", orgId).issueTime(Date.from(Instant.now().minusSeconds(2)));
			if (orgRole != null) {
				claims.claim("orgRole", orgRole);
			}
			if (platformRole != null) {
				claims.claim("role", platformRole);
			}
		});
	}

	static void publish(String subject, String json) {
		nats.publish(PREFIX + subject, json.getBytes(StandardCharsets.UTF_8));
	}

	static String now() {
		return Long.toString(System.currentTimeMillis());
	}

	/** Asserts, on both instances, the status of {@code request}, until it holds or the deadline passes. */
	static void onBothWithin(Duration deadline, Function<WebTestClient, WebTestClient.ResponseSpec> request, int status) {
		for (WebTestClient client : clients) {
			if (deadline.isZero()) {
				request.apply(client).expectStatus().isEqualTo(status);
				continue;
			}
			await().atMost(deadline)
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> request.apply(client).expectStatus().isEqualTo(status));
		}
	}

	static Function<WebTestClient, WebTestClient.ResponseSpec> post(String path, String token) {
		return (client) -> client.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
	}

	static Function<WebTestClient, WebTestClient.ResponseSpec> get(String path, String token) {
		return (client) -> client.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
	}

	@Test
	void roleDowngradeIsEnforcedOnBothInstancesEvenAgainstAnOldStaffToken() {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "staff");
		String oldStaffToken = tokenIssuedBefore(user, org, "staff", null);
		String noClaimToken = tokenIssuedBefore(user, org, null, null);
		String orders = "/api/orgs/" + org + "/orders";
		onBothWithin(Duration.ZERO, post(orders, oldStaffToken), 200);
		onBothWithin(Duration.ZERO, post(orders, noClaimToken), 200); // caches now hold "staff"

		fixtures.setMemberRole(user, org, "viewer");
		publish("member.role.changed", "{\"eventId\":\"" + TestDatabase.newId() + "\",\"userId\":\"" + user
				+ "\",\"organizationId\":\"" + org + "\",\"role\":\"viewer\",\"previousRole\":\"staff\",\"occurredAt\":"
				+ now() + "}");

		onBothWithin(WITHIN, post(orders, oldStaffToken), 403);
		onBothWithin(WITHIN, post(orders, noClaimToken), 403);
		onBothWithin(WITHIN, get(orders, oldStaffToken), 200);
	}

	@Test
	void removalIsEnforcedOnBothInstances() {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "owner");
		String token = tokenIssuedBefore(user, org, "owner", null);
		String orders = "/api/orgs/" + org + "/orders";
		onBothWithin(Duration.ZERO, get(orders, token), 200);

		database.update("DELETE FROM members WHERE user_id = ? AND organization_id = ?", user, org);
		publish("member.removed", "{\"userId\":\"" + user + "\",\"organizationId\":\"" + org + "\",\"occurredAt\":"
				+ now() + "}");

		onBothWithin(WITHIN, get(orders, token), 403);
	}

	@Test
	void banIsEnforcedOnBothInstancesAndLiftedByUnban() {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "viewer");
		String token = tokenIssuedBefore(user, org, "viewer", "user");
		String orders = "/api/orgs/" + org + "/orders";
		onBothWithin(Duration.ZERO, get(orders, token), 200);

		database.update("UPDATE users SET banned = true WHERE id = ?", user);
		publish("user.banned", "{\"userId\":\"" + user + "\",\"banExpires\":null,\"occurredAt\":" + now() + "}");
		onBothWithin(WITHIN, get(orders, token), 403);

		database.update("UPDATE users SET banned = false WHERE id = ?", user);
		publish("user.unbanned", "{\"userId\":\"" + user + "\",\"occurredAt\":" + now() + "}");
		onBothWithin(WITHIN, get(orders, token), 200);
	}

	@Test
	void platformRoleDemotionIsEnforcedAgainstAnOldAdminToken() {
		String org = fixtures.organization();
		String user = fixtures.user("admin");
		String token = tokenIssuedBefore(user, org, null, "admin");
		onBothWithin(Duration.ZERO, get("/api/admin/users", token), 200);

		database.update("UPDATE users SET role = 'user' WHERE id = ?", user);
		publish("user.role.changed", "{\"userId\":\"" + user + "\",\"role\":\"user\",\"previousRole\":\"admin\","
				+ "\"occurredAt\":" + now() + "}");
		onBothWithin(WITHIN, get("/api/admin/users", token), 403);
	}

	@Test
	void organizationDeletionIsEnforcedOnBothInstances() {
		String org = fixtures.organization();
		String owner = fixtures.user("user");
		String viewer = fixtures.user("user");
		fixtures.member(owner, org, "owner");
		fixtures.member(viewer, org, "viewer");
		String ownerToken = tokenIssuedBefore(owner, org, "owner", null);
		String viewerToken = tokenIssuedBefore(viewer, org, null, null);
		String orders = "/api/orgs/" + org + "/orders";
		onBothWithin(Duration.ZERO, get(orders, ownerToken), 200);
		onBothWithin(Duration.ZERO, get(orders, viewerToken), 200);

		database.update("DELETE FROM organizations WHERE id = ?", org);
		publish("organization.deleted", "{\"organizationId\":\"" + org + "\",\"occurredAt\":" + now() + "}");

		onBothWithin(WITHIN, get(orders, ownerToken), 403);
		onBothWithin(WITHIN, get(orders, viewerToken), 403);
	}

	@Test
	void malformedUnknownAndDuplicateMessagesAreCountedAndHarmless() {
		String eventId = TestDatabase.newId();
		String user = TestDatabase.newId();
		String org = TestDatabase.newId();
		String event = "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"organizationId\":\"" + org
				+ "\",\"occurredAt\":" + now() + "}";
		publish("member.removed", "not json");
		publish("member.removed", "{\"userId\":\"a:b\",\"organizationId\":\"x\",\"occurredAt\":1}");
		publish("member.removed", event);
		publish("member.removed", event);
		for (ConfigurableApplicationContext context : instances) {
			var handler = context.getBean(NatsEventSubscriber.class).handler();
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
				assertThat(handler.counts().get("malformed")).isGreaterThanOrEqualTo(2L);
				assertThat(handler.counts().get("duplicate")).isGreaterThanOrEqualTo(1L);
			});
		}
		clients.forEach((client) -> client.get().uri("/api/status").exchange().expectStatus().isOk());
	}

	@Test
	void roleClaimsInTokensIssuedBeforeTheInstancesSubscribedAreLookedUp() {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "viewer"); // demoted from owner while no gateway was listening
		String oldOwnerToken = GatewayIntegrationTestSupport.tokens.ed25519((claims) -> claims.subject(user)
			.claim("organizationId", org)
			.claim("orgRole", "owner")
			.claim("role", "admin")
			.issueTime(Date.from(Instant.now().minus(Duration.ofMinutes(10)))));
		onBothWithin(Duration.ZERO, (client) -> client.delete()
			.uri("/api/orgs/" + org + "/orders/1")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + oldOwnerToken)
			.exchange(), 403);
		onBothWithin(Duration.ZERO, get("/api/admin/users", oldOwnerToken), 403);
		onBothWithin(Duration.ZERO, get("/api/orgs/" + org + "/orders", oldOwnerToken), 200);
	}

	@Test
	void deletedUserIsRefusedOnEveryRoute() {
		String user = fixtures.user("admin");
		String token = tokenIssuedBefore(user, fixtures.organization(), null, "admin");
		onBothWithin(Duration.ZERO, get("/api/admin/users", token), 200);

		database.update("DELETE FROM users WHERE id = ?", user);
		publish("user.deleted", "{\"userId\":\"" + user + "\",\"occurredAt\":" + now() + "}");

		onBothWithin(WITHIN, get("/api/admin/users", token), 403);
		onBothWithin(WITHIN, get("/api/me", token), 403);
	}

}
