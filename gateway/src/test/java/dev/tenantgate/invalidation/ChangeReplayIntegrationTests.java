package dev.tenantgate.invalidation;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.tenantgate.role.CacheSettings;
import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.role.SharedRoleStore;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestServices;
import dev.tenantgate.trust.InProcessChangeTimes;
import dev.tenantgate.trust.TrustModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gaps in the identity events against the real NATS with JetStream and the real PostgreSQL (issue 25): the
 * subscriber's connection goes through a TCP proxy that the test cuts, while a change is published on the server.
 * With the stream, the gap's events are replayed: the changed membership is read again, every other answer stays
 * cached, and claims count again. Without one, every cached answer is dropped and read again once.
 */
class ChangeReplayIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static TestServices.Endpoints services;

	private static TestDatabase database;

	private static BetterAuthFixtures fixtures;

	private static DatabaseClient databaseClient;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final String prefix = "t" + TestDatabase.newId() + ".";

	private final String stream = "TG_TEST_" + TestDatabase.newId();

	private TcpProxy proxy;

	private Connection server;

	private RoleResolver resolver;

	private NatsEventSubscriber subscriber;

	private MembershipKey unchanged;

	private MembershipKey changed;

	@BeforeAll
	static void createDatabase() {
		services = TestServices.require();
		database = TestDatabase.create(services, "plural-snake");
		fixtures = new BetterAuthFixtures(database, SchemaPreset.PLURAL_SNAKE);
		databaseClient = database.client();
	}

	@BeforeEach
	void connect() throws Exception {
		String organization = fixtures.organization();
		this.unchanged = new MembershipKey(fixtures.user("user"), organization);
		this.changed = new MembershipKey(fixtures.user("user"), organization);
		fixtures.member(this.unchanged.userId(), organization, "staff");
		fixtures.member(this.changed.userId(), organization, "admin");
		java.net.URI nats = java.net.URI.create(services.natsUrl());
		this.proxy = TcpProxy.start("nats", nats.getHost(), nats.getPort());
		this.server = Nats.connect(services.natsUrl());
		TrustModel trust = new TrustModel(new InProcessChangeTimes(Duration.ofHours(1), 1000), Clock.systemUTC(),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 1000);
		this.resolver = new RoleResolver(trust, SharedRoleStore.NONE,
				new BetterAuthRepository(databaseClient, SchemaPreset.PLURAL_SNAKE.mapping()),
				TestGuards.permissive("redis", Duration.ofSeconds(2)),
				TestGuards.permissive("postgres", Duration.ofSeconds(5)), Clock.systemUTC(),
				new CacheSettings(1000, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		this.resolver.setMeterRegistry(this.meters);
	}

	@AfterEach
	void close() throws Exception {
		if (this.subscriber != null) {
			this.subscriber.stop();
		}
		try {
			this.server.jetStreamManagement().deleteStream(this.stream);
		}
		catch (Exception ex) {
			// Not created by this test.
		}
		this.server.close();
		this.proxy.close();
	}

	@Test // issue-25
	void gapWhenTheStreamHoldsItThenItsChangeIsEnforcedAndEveryOtherAnswerStaysCached() throws Exception {
		Instant issuedBeforeTheStream = Instant.now().minusMillis(500);
		ChangeReplay replay = streamOlderThanAGapsMargin();
		start(replay);
		awaitListening();
		Instant issued = Instant.now();
		assertThat(membership(this.unchanged)).isEqualTo(Membership.of("staff"));
		assertThat(membership(this.changed)).isEqualTo(Membership.of("admin"));
		assertThat(databaseReads()).isEqualTo(2);

		this.proxy.cut();
		await().atMost(WAIT).until(() -> this.resolver.trust().coveredFrom() == Long.MAX_VALUE);
		assertThat(claimCounts(this.unchanged, issued)).isFalse();
		fixtures.setMemberRole(this.changed.userId(), this.changed.organizationId(), "viewer");
		publishRoleChange(this.changed, "viewer");
		this.proxy.restore();

		await().atMost(WAIT).until(() -> this.resolver.trust().coveredFrom() != Long.MAX_VALUE);
		assertThat(this.resolver.heldMembership(this.changed)).isNull();
		assertThat(this.resolver.heldMembership(this.unchanged)).isEqualTo(Membership.of("staff"));
		assertThat(membership(this.changed)).isEqualTo(Membership.of("viewer"));
		assertThat(membership(this.unchanged)).isEqualTo(Membership.of("staff"));
		assertThat(databaseReads()).isEqualTo(3);
		// Claims count again for tokens issued while listening, except where the gap changed the membership.
		assertThat(claimCounts(this.unchanged, issued)).isTrue();
		assertThat(claimCounts(this.changed, issued)).isFalse();
		assertThat(claimCounts(this.unchanged, issuedBeforeTheStream)).isFalse();
	}

	@Test // issue-25
	void gapWithoutAStreamThenEveryCachedAnswerIsReadAgainOnce() throws Exception {
		start(null);
		awaitListening();
		assertThat(membership(this.unchanged)).isEqualTo(Membership.of("staff"));
		assertThat(membership(this.changed)).isEqualTo(Membership.of("admin"));

		this.proxy.cut();
		await().atMost(WAIT).until(() -> this.resolver.trust().coveredFrom() == Long.MAX_VALUE);
		fixtures.setMemberRole(this.changed.userId(), this.changed.organizationId(), "viewer");
		publishRoleChange(this.changed, "viewer");
		long coveredBefore = System.currentTimeMillis();
		this.proxy.restore();

		await().atMost(WAIT).until(() -> this.resolver.trust().coveredFrom() != Long.MAX_VALUE);
		assertThat(this.resolver.trust().coveredFrom()).isGreaterThanOrEqualTo(coveredBefore);
		assertThat(this.resolver.heldMembership(this.unchanged)).isNull();
		assertThat(this.resolver.heldMembership(this.changed)).isNull();
		assertThat(membership(this.changed)).isEqualTo(Membership.of("viewer"));
		assertThat(membership(this.unchanged)).isEqualTo(Membership.of("staff"));
		assertThat(databaseReads()).isEqualTo(4);
	}

	@Test // issue-25: tokens issued before a restart keep their claims, unless a change since says otherwise
	void startWhenTheStreamHoldsEarlierChangesThenClaimsInOlderTokensCountUnlessChanged() throws Exception {
		ChangeReplay replay = replay();
		assertThat(replay.prepare(this.server)).isNotNull();
		Thread.sleep(5); // the stream's creation time and the token's iat must differ (ms clocks)
		Instant issued = Instant.now();
		publishRoleChange(this.changed, "viewer");
		await().atMost(WAIT)
			.until(() -> this.server.jetStreamManagement().getStreamInfo(this.stream).getStreamState().getMsgCount() == 1);

		start(replay);
		awaitListening();
		assertThat(this.resolver.trust().coveredFrom()).isLessThanOrEqualTo(issued.toEpochMilli());
		assertThat(claimCounts(this.unchanged, issued)).isTrue();
		assertThat(claimCounts(this.changed, issued)).isFalse();
	}

	/** A gap is replayed from a little before it was noticed: the stream must be older than that. */
	private ChangeReplay streamOlderThanAGapsMargin() {
		ChangeReplay replay = replay();
		long created = replay.prepare(this.server).getCreateTime().toInstant().toEpochMilli();
		await().atMost(WAIT).until(() -> System.currentTimeMillis() > created + NatsEventSubscriber.DETECTION_MILLIS);
		return replay;
	}

	private ChangeReplay replay() {
		return new ChangeReplay(this.stream, subjects(), Duration.ofMinutes(10), StorageType.Memory, true);
	}

	private List<String> subjects() {
		return Arrays.stream(IdentityEvent.Type.values()).map((type) -> this.prefix + type.subject()).toList();
	}

	private void start(@Nullable ChangeReplay replay) {
		this.subscriber = new NatsEventSubscriber("nats://127.0.0.1:" + this.proxy.port(), this.prefix,
				new IdentityEventParser(),
				new IdentityEventHandler(this.resolver, Duration.ofMinutes(1), Clock.systemUTC()), this.resolver,
				replay, Clock.systemUTC());
		this.subscriber.start();
	}

	private void awaitListening() {
		await().atMost(WAIT).until(() -> this.resolver.trust().coveredFrom() != Long.MAX_VALUE);
	}

	private void publishRoleChange(MembershipKey key, String role) throws Exception {
		this.server.publish(this.prefix + "member.role.changed",
				("{\"userId\":\"" + key.userId() + "\",\"organizationId\":\"" + key.organizationId() + "\",\"role\":\""
						+ role + "\",\"occurredAt\":" + System.currentTimeMillis() + "}")
					.getBytes(StandardCharsets.UTF_8));
		this.server.flush(Duration.ofSeconds(2));
	}

	private Membership membership(MembershipKey key) {
		return this.resolver.membership(key, null, null, new ResolutionTrace()).block(Duration.ofSeconds(5));
	}

	private boolean claimCounts(MembershipKey key, Instant issuedAt) {
		return this.resolver.trust().claimCounts(issuedAt, key.change(), key.organizationChange()).block();
	}

	private double databaseReads() {
		return this.meters.timer("tenantgate.role.lookup.duration", "kind", "membership", "tier", "postgres").count();
	}

}
