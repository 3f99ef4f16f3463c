package dev.tenantgate.role;

import java.time.Duration;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tenantgate.invalidation.ChangeReplay;
import dev.tenantgate.invalidation.IdentityEvent;
import dev.tenantgate.invalidation.IdentityEventHandler;
import dev.tenantgate.invalidation.IdentityEventParser;
import dev.tenantgate.invalidation.NatsEventSubscriber;
import dev.tenantgate.role.db.BetterAuthRepository;
import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.role.redis.RedisKeys;
import dev.tenantgate.role.redis.RedisRoleStore;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.MutableClock;
import dev.tenantgate.support.TcpProxy;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.support.TestRedis;
import dev.tenantgate.support.TestServices;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.SharedChangeTimes;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When a role claim still counts, against real PostgreSQL and Redis: a token issued while the instance listens to the
 * change events is checked against the changes it heard, without a Redis round trip; an older token (or one issued
 * within the clock tolerance of the subscription) against the change times shared in Redis, which other instances
 * record; no claim at all while not listening.
 */
class RoleClaimTrustIntegrationTests {

	private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);

	private static TestServices.Endpoints services;

	private static TestDatabase database;

	private static BetterAuthFixtures fixtures;

	private static DatabaseClient databaseClient;

	private final MutableClock clock = new MutableClock(Instant.now());

	@RegisterExtension
	final TestRedis testRedis = new TestRedis();

	private ReactiveStringRedisTemplate redis;

	private RedisKeys keys;

	private CountingChangeTimes changes;

	private RoleResolver resolver;

	private MembershipKey key;

	@BeforeAll
	static void createDatabase() {
		services = TestServices.require();
		database = TestDatabase.create(services, "plural-snake");
		fixtures = new BetterAuthFixtures(database, SchemaPreset.PLURAL_SNAKE);
		databaseClient = database.client();
	}

	@AfterAll
	static void closeDatabase() {
		databaseClient = null;
	}

	@BeforeEach
	void connect() {
		this.redis = this.testRedis.template();
		this.keys = this.testRedis.keys();
		this.changes = new CountingChangeTimes(newChangeTimes());
		// No token clock skew: these tests place tokens and changes to the millisecond (the skew's own rule is
		// TrustRulesTests' and TrustModelTests').
		this.resolver = new RoleResolver(TestResolvers.trust(this.changes, this.clock, Duration.ZERO),
				new RedisRoleStore(this.redis, this.keys, Duration.ofMinutes(5), Duration.ofMinutes(1),
						CLOCK_TOLERANCE),
				new BetterAuthRepository(databaseClient, SchemaPreset.PLURAL_SNAKE.mapping()),
				TestGuards.permissive("redis", Duration.ofSeconds(2)),
				TestGuards.permissive("postgres", Duration.ofSeconds(5)), this.clock,
				new CacheSettings(1000, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		String user = fixtures.user("user");
		String organization = fixtures.organization();
		fixtures.member(user, organization, "viewer");
		this.key = new MembershipKey(user, organization);
	}

	@Test
	void claimInTokenIssuedWhileListeningCountsWithoutAskingRedis() {
		this.resolver.trust().feedStarted(this.clock.millis());
		Instant issuedAt = issuedNow();

		ResolutionTrace trace = new ResolutionTrace();
		assertThat(claimed(issuedAt, trace)).isEqualTo(Membership.of("owner"));
		assertThat(trace.membershipSource()).isEqualTo("claim");
		assertThat(this.resolver.userChangedSince(this.key.userId(), issuedAt).block()).isFalse();
		assertThat(this.changes.reads).hasValue(0);
	}

	@Test
	void changeHeardAfterTheTokenWasIssuedOverridesTheClaim() {
		this.resolver.trust().feedStarted(this.clock.millis());
		Instant issuedAt = issuedNow();
		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.membershipChanged(this.key, this.clock.millis()).block(Duration.ofSeconds(5));

		ResolutionTrace trace = new ResolutionTrace();
		assertThat(claimed(issuedAt, trace)).isEqualTo(Membership.of("viewer"));
		assertThat(trace.membershipSource()).isEqualTo("postgres");
	}

	@Test
	void organizationAndUserChangesHeardAfterTheTokenWasIssuedCountToo() {
		this.resolver.trust().feedStarted(this.clock.millis());
		Instant issuedAt = issuedNow();
		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.organizationChanged(this.key.organizationId(), this.clock.millis()).block(Duration.ofSeconds(5));
		this.resolver.userChanged(this.key.userId(), this.clock.millis()).block(Duration.ofSeconds(5));

		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		assertThat(this.resolver.userChangedSince(this.key.userId(), issuedAt).block()).isTrue();
	}

	@Test
	void changeHeardBeforeTheTokenWasIssuedLeavesTheClaimStanding() {
		this.resolver.trust().feedStarted(this.clock.millis());
		this.clock.advance(Duration.ofSeconds(2));
		this.resolver.membershipChanged(this.key, this.clock.millis()).block(Duration.ofSeconds(5));
		Instant issuedAt = issuedNow();

		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("owner"));
	}

	@Test
	void tokenIssuedWithinTheClockToleranceOfTheSubscriptionIsCheckedAgainstRedis() {
		long subscribed = this.clock.millis();
		this.resolver.trust().feedStarted(subscribed);
		this.clock.advance(CLOCK_TOLERANCE);
		Instant issuedAt = Instant.ofEpochMilli(subscribed + 200);
		// Another instance heard a change this one missed (published just before its subscription took effect).
		newChangeTimes().record(this.key.change(), subscribed + 500).block(Duration.ofSeconds(5));

		ResolutionTrace trace = new ResolutionTrace();
		assertThat(claimed(issuedAt, trace)).isEqualTo(Membership.of("viewer"));
		assertThat(trace.membershipSource()).isEqualTo("postgres");
		assertThat(this.changes.reads.get()).isPositive();
	}

	@Test // with the feed off, claims used to be checked against the change times in Redis; now they age out instead
	void withoutAChangeFeedAClaimCountsOnlyWhileYoungerThanTheInProcessTimeToLive() {
		this.resolver.trust().feedOff(Duration.ofSeconds(10));
		Instant issuedAt = this.clock.instant();

		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("owner"));
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("owner"));
		assertThat(this.resolver.userChangedSince(this.key.userId(), issuedAt).block()).isFalse();

		this.clock.advance(Duration.ofMillis(1));
		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		assertThat(this.resolver.userChangedSince(this.key.userId(), issuedAt).block()).isTrue();
		assertThat(claimed(this.clock.instant(), new ResolutionTrace())).isEqualTo(Membership.of("owner"));
	}

	@Test // a gap used to distrust every older token; now only a gap that could not be replayed does
	void whileInterruptedNoClaimCountsAndAfterAnUnreplayedGapOnlyNewerTokensDo() {
		this.resolver.trust().feedStarted(this.clock.millis());
		Instant before = issuedNow();
		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.trust().feedInterrupted();

		assertThat(claimed(before, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		assertThat(claimed(issuedNow(), new ResolutionTrace()))
			.isEqualTo(Membership.of("viewer"));

		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.gapNotReplayed(this.clock.millis());
		assertThat(claimed(before, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		Instant after = issuedNow();
		assertThat(claimed(after, new ResolutionTrace())).isEqualTo(Membership.of("owner"));
	}

	@Test
	void afterAReplayedGapClaimsFromBeforeItCountAgainUnlessTheReplayHadAChange() {
		this.resolver.trust().feedStarted(this.clock.millis());
		Instant before = issuedNow();
		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.trust().feedInterrupted();
		assertThat(claimed(before, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));

		this.clock.advance(Duration.ofSeconds(5));
		this.resolver.trust().gapReplayed();
		assertThat(claimed(before, new ResolutionTrace())).isEqualTo(Membership.of("owner"));
		assertThat(this.changes.reads).as("answered by what this instance heard").hasValue(0);

		// The same, with a change of the gap among the replayed events.
		this.resolver.trust().feedInterrupted();
		this.resolver.membershipChanged(this.key, this.clock.millis() - 2000).block(Duration.ofSeconds(5));
		this.resolver.trust().gapReplayed();
		assertThat(claimed(before, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
	}

	@Test
	void subscriberListensOnceNatsConfirmsTheSubscriptionAndTreatsADroppedEventAsAGap() throws Exception {
		String prefix = "t" + TestDatabase.newId() + ".";
		NatsEventSubscriber subscriber = new NatsEventSubscriber(services.natsUrl(), prefix, new IdentityEventParser(),
				new IdentityEventHandler(this.resolver, Duration.ofMinutes(1), this.clock), this.resolver, null, this.clock);
		Instant issuedAt = issuedNow();
		assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		subscriber.start();
		try (Connection publisher = Nats.connect(services.natsUrl())) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("owner")));

			// A change heard on the feed, after the token was issued: the claim stops counting, no Redis involved.
			publisher.publish(prefix + "member.role.changed", ("{\"userId\":\"" + this.key.userId()
					+ "\",\"organizationId\":\"" + this.key.organizationId()
					+ "\",\"role\":\"viewer\",\"previousRole\":\"owner\",\"occurredAt\":"
					+ (issuedAt.toEpochMilli() + 1000) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(claimed(issuedAt, new ResolutionTrace())).isEqualTo(Membership.of("viewer")));
			this.clock.advance(Duration.ofSeconds(5));
			Instant later = this.clock.instant();
			assertThat(claimed(later, new ResolutionTrace())).isEqualTo(Membership.of("owner"));

			// The client dropped an event this instance was too slow for, and there is no stream to replay it from:
			// tokens issued before the gap closed no longer prove.
			this.clock.advance(Duration.ofSeconds(10));
			subscriber.messageDiscarded(publisher, NatsMessage.builder().subject(prefix + "member.removed").build());
			assertThat(claimed(later, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
			Instant afterTheGap = issuedNow();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(claimed(afterTheGap, new ResolutionTrace())).isEqualTo(Membership.of("owner")));
			assertThat(claimed(later, new ResolutionTrace())).isEqualTo(Membership.of("viewer"));
		}
		finally {
			subscriber.stop();
		}
	}

	@Test
	void onStartTheStreamIsReplayedSoClaimsInTokensIssuedBeforeTheStartCountUnlessAChangeFollowedThem() throws Exception {
		String prefix = "t" + TestDatabase.newId() + ".";
		String stream = "T" + TestDatabase.newId();
		List<String> subjects = Arrays.stream(IdentityEvent.Type.values())
			.map((type) -> prefix + type.subject())
			.toList();
		String unchangedUser = fixtures.user("user");
		fixtures.member(unchangedUser, this.key.organizationId(), "viewer");
		MembershipKey unchanged = new MembershipKey(unchangedUser, this.key.organizationId());
		try (Connection publisher = Nats.connect(services.natsUrl())) {
			JetStreamManagement streams = publisher.jetStreamManagement();
			streams.addStream(StreamConfiguration.builder()
				.name(stream)
				.subjects(subjects)
				.storageType(StorageType.Memory)
				.maxAge(Duration.ofHours(1))
				.build());
			try {
				// The stream's times are the server's: this instance's clock follows the real one from here on.
				Duration behind = Duration.between(this.clock.instant(), Instant.now());
				this.clock.advance(behind.isNegative() ? Duration.ZERO : behind);
				Instant issuedBeforeStart = this.clock.instant();
				// A change made before this instance started, captured by the stream only.
				publisher.jetStream().publish(prefix + "member.role.changed", ("{\"userId\":\"" + this.key.userId()
						+ "\",\"organizationId\":\"" + this.key.organizationId()
						+ "\",\"role\":\"viewer\",\"previousRole\":\"owner\",\"occurredAt\":"
						+ (issuedBeforeStart.toEpochMilli() + 1000) + "}").getBytes(StandardCharsets.UTF_8));
				this.clock.advance(Duration.ofMinutes(1));
				Instant issuedAfterTheChange = this.clock.instant();

				NatsEventSubscriber subscriber = new NatsEventSubscriber(services.natsUrl(), prefix,
						new IdentityEventParser(),
						new IdentityEventHandler(this.resolver, Duration.ofMinutes(1), this.clock), this.resolver,
						new ChangeReplay(stream, subjects, Duration.ofHours(1), StorageType.Memory, false), this.clock);
				assertThat(claimed(unchanged, issuedBeforeStart)).as("not listening yet").isEqualTo(Membership.of("viewer"));
				subscriber.start();
				try {
					await().atMost(Duration.ofSeconds(15))
						.untilAsserted(() -> assertThat(claimed(unchanged, issuedBeforeStart))
							.as("a token issued before the start, after the stream began").isEqualTo(Membership.of("owner")));
					assertThat(claimed(this.key, issuedBeforeStart)).as("the replayed change is enforced")
						.isEqualTo(Membership.of("viewer"));
					assertThat(claimed(this.key, issuedAfterTheChange)).isEqualTo(Membership.of("owner"));
					assertThat(subscriber.handler().counts()).containsEntry("member.role.changed", 1L);
				}
				finally {
					subscriber.stop();
				}
			}
			finally {
				streams.deleteStream(stream);
			}
		}
	}

	@Test // a gap used to drop every cached answer and distrust every older token; a gap replayed keeps them
	void aGapReplayedFromTheStreamKeepsWhatIsCachedAndEnforcesTheChangesMadeDuringIt() throws Exception {
		String prefix = "t" + TestDatabase.newId() + ".";
		String stream = "T" + TestDatabase.newId();
		List<String> subjects = Arrays.stream(IdentityEvent.Type.values())
			.map((type) -> prefix + type.subject())
			.toList();
		String unchangedUser = fixtures.user("user");
		fixtures.member(unchangedUser, this.key.organizationId(), "viewer");
		MembershipKey unchanged = new MembershipKey(unchangedUser, this.key.organizationId());
		URI nats = URI.create(services.natsUrl());
		try (Connection publisher = Nats.connect(services.natsUrl());
				TcpProxy proxy = TcpProxy.start("nats", nats.getHost(), nats.getPort())) {
			JetStreamManagement streams = publisher.jetStreamManagement();
			streams.addStream(StreamConfiguration.builder()
				.name(stream)
				.subjects(subjects)
				.storageType(StorageType.Memory)
				.maxAge(Duration.ofHours(1))
				.build());
			NatsEventSubscriber subscriber = new NatsEventSubscriber("nats://127.0.0.1:" + proxy.port(), prefix,
					new IdentityEventParser(), new IdentityEventHandler(this.resolver, Duration.ofMinutes(1), this.clock),
					this.resolver, new ChangeReplay(stream, subjects, Duration.ofHours(1), StorageType.Memory, false),
					this.clock);
			try {
				// The stream's times are the server's. A gap is replayed from DETECTION_MILLIS before its disconnect is
				// noticed (a silent loss is noticed that late), and a stream created later cannot cover it: this
				// instance's clock runs that much ahead of the real one, so the stream, created just now, covers the
				// gap, and the change published in it is after the gap's start.
				Duration behind = Duration.between(this.clock.instant(), Instant.now())
					.plusMillis(NatsEventSubscriber.DETECTION_MILLIS);
				this.clock.advance(behind.isNegative() ? Duration.ZERO : behind);
				Instant issuedBeforeTheGap = this.clock.instant();
				subscriber.start();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(claimed(unchanged, issuedBeforeTheGap)).isEqualTo(Membership.of("owner")));
				assertThat(this.resolver.user(unchangedUser, new ResolutionTrace()).block(Duration.ofSeconds(5)).exists())
					.isTrue();
				assertThat(this.resolver.membership(unchanged, null, null, new ResolutionTrace())
					.block(Duration.ofSeconds(5))).isEqualTo(Membership.of("viewer"));

				proxy.cut();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(claimed(unchanged, issuedBeforeTheGap)).as("no claim counts in a gap")
						.isEqualTo(Membership.of("viewer")));
				// Time passes: had the gap not been replayed, only tokens issued from its end would count.
				this.clock.advance(Duration.ofSeconds(1));
				// A change this instance does not hear: its connection is down; the stream captures it.
				publisher.jetStream().publish(prefix + "member.role.changed", ("{\"userId\":\"" + this.key.userId()
						+ "\",\"organizationId\":\"" + this.key.organizationId()
						+ "\",\"role\":\"viewer\",\"previousRole\":\"owner\",\"occurredAt\":"
						+ this.clock.millis() + "}").getBytes(StandardCharsets.UTF_8));
				proxy.restore();

				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(claimed(unchanged, issuedBeforeTheGap))
						.as("the gap replayed: claims from before it count again").isEqualTo(Membership.of("owner")));
				assertThat(claimed(this.key, issuedBeforeTheGap)).as("the change made during the gap is enforced")
					.isEqualTo(Membership.of("viewer"));
				assertThat(this.resolver.heldUser(unchangedUser)).as("what was cached is kept").isNotNull();
				ResolutionTrace trace = new ResolutionTrace();
				assertThat(this.resolver.membership(unchanged, null, null, trace).block(Duration.ofSeconds(5)))
					.isEqualTo(Membership.of("viewer"));
				assertThat(trace.membershipSource()).isEqualTo("local");
				assertThat(subscriber.handler().counts()).containsEntry("member.role.changed", 1L);
			}
			finally {
				subscriber.stop();
				streams.deleteStream(stream);
			}
		}
	}

	private Membership claimed(MembershipKey key, Instant issuedAt) {
		return this.resolver.membership(key, Membership.of("owner"), issuedAt, new ResolutionTrace())
			.block(Duration.ofSeconds(5));
	}

	/** A token issued now, after the clock tolerance has passed (claims of tokens from the future do not count). */
	private Instant issuedNow() {
		this.clock.advance(CLOCK_TOLERANCE);
		return this.clock.instant();
	}

	private Membership claimed(Instant issuedAt, ResolutionTrace trace) {
		return this.resolver.membership(this.key, Membership.of("owner"), issuedAt, trace).block(Duration.ofSeconds(5));
	}

	private SharedChangeTimes newChangeTimes() {
		return TestResolvers.changeTimes(this.testRedis);
	}

	/** The real Redis-backed change times, counting the lookups that go to Redis. */
	private static final class CountingChangeTimes implements SharedChangeTimes {

		final AtomicInteger reads = new AtomicInteger();

		private final SharedChangeTimes delegate;

		CountingChangeTimes(SharedChangeTimes delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<Long> latest(ChangeKey key) {
			this.reads.incrementAndGet();
			return this.delegate.latest(key);
		}

		@Override
		public Mono<Long> record(ChangeKey key, long time) {
			return this.delegate.record(key, time);
		}

	}

}
