package dev.tenantgate.role;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.support.MutableClock;
import dev.tenantgate.support.ScalarMono;
import dev.tenantgate.support.TestGuards;
import dev.tenantgate.trust.ChangeKey;
import dev.tenantgate.trust.InProcessChangeTimes;
import dev.tenantgate.trust.TrustModel;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the in-process tier relies on Caffeine for (issue 25): one load in flight per key, shared by every request;
 * an invalidation that keeps a load or a refresh in flight from filling; refresh-ahead that serves the old answer
 * while the new one loads; failures never cached. The database is a function whose answers the test completes.
 */
class RoleCacheTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final MembershipKey KEY = new MembershipKey("u1", "acme");

	private final MutableClock clock = new MutableClock(Instant.now());

	private final AtomicLong nanos = new AtomicLong();

	private final Ticker ticker = this.nanos::get;

	private final TrustModel trust = new TrustModel(new InProcessChangeTimes(Duration.ofHours(1), 1000), this.clock,
			Duration.ofSeconds(1), Duration.ofSeconds(30), TTL, 1000);

	private final List<Sinks.One<Membership>> reads = new ArrayList<>();

	private final AtomicInteger databaseReads = new AtomicInteger();

	private final AtomicReference<SharedRead<Membership>> sharedEntry = new AtomicReference<>();

	private final RoleCache<MembershipKey, Membership> cache = new RoleCache<>(
			new RoleKind<>("membership", MembershipKey::change, MembershipKey::organizationChange, this::shared,
					(key, value, readStartedAt) -> Mono.just(true), this::database, Membership::isMember,
					ResolutionTrace::membership),
			this.trust, TestGuards.permissive("redis", Duration.ofSeconds(2)),
			TestGuards.permissive("postgres", Duration.ofSeconds(5)), this.clock,
			new CacheSettings(1000, TTL, Duration.ofSeconds(5), this.ticker));

	private Mono<SharedRead<Membership>> shared(MembershipKey key) {
		SharedRead<Membership> entry = this.sharedEntry.get();
		return (entry != null) ? Mono.just(entry) : Mono.just(new SharedRead<>(null, 0, 0, 0));
	}

	private synchronized Mono<Membership> database(MembershipKey key) {
		this.databaseReads.incrementAndGet();
		Sinks.One<Membership> read = Sinks.one();
		this.reads.add(read);
		return read.asMono();
	}

	private synchronized Sinks.One<Membership> read(int index) {
		return this.reads.get(index);
	}

	private CompletableFuture<Membership> get() {
		return this.cache.get(KEY, new ResolutionTrace()).toFuture();
	}

	@Test
	void getWhenManyRequestsMissTogetherThenOneLoadAnswersThemAll() throws Exception {
		List<CompletableFuture<Membership>> waiting = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			waiting.add(get());
		}
		assertThat(this.databaseReads).hasValue(1);
		read(0).tryEmitValue(Membership.of("staff")).orThrow();

		for (CompletableFuture<Membership> request : waiting) {
			assertThat(request.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		}
		Mono<Membership> held = this.cache.get(KEY, new ResolutionTrace());
		assertThat(ScalarMono.isScalar(held)).isTrue();
		assertThat(this.databaseReads).hasValue(1);
	}

	@Test // issue-3: the read-invalidate-write race
	void invalidateWhenALoadIsInFlightThenItsAnswerGoesToItsRequestsButIsNotKept() throws Exception {
		CompletableFuture<Membership> inFlight = get();
		this.cache.invalidate(KEY);
		CompletableFuture<Membership> afterChange = get();
		assertThat(this.databaseReads).hasValue(2);
		read(0).tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(this.cache.held(KEY)).isNull();
		assertThat(afterChange).isNotDone();
		read(1).tryEmitValue(Membership.of("viewer")).orThrow();
		assertThat(afterChange.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("viewer"));
		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("viewer"));
	}

	@Test
	void invalidateIfWhenALoadIsInFlightThenItIsNotKept() throws Exception {
		CompletableFuture<Membership> inFlight = get();
		this.cache.invalidateIf((key) -> key.organizationId().equals("acme"));
		read(0).tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(this.cache.held(KEY)).isNull();
	}

	@Test
	void invalidateAllWhenALoadIsInFlightThenItIsNotKept() throws Exception {
		CompletableFuture<Membership> inFlight = get();
		this.cache.invalidateAll();
		read(0).tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(this.cache.held(KEY)).isNull();
	}

	@Test
	void getWhenPastTheRefreshTimeThenTheOldAnswerIsServedWhileTheNewOneLoads() throws Exception {
		load(Membership.of("staff"));
		this.nanos.addAndGet(TTL.toNanos() * 76 / 100);
		this.clock.advance(Duration.ofMillis(7600));

		Mono<Membership> served = this.cache.get(KEY, new ResolutionTrace());
		assertThat(ScalarMono.isScalar(served)).isTrue();
		assertThat(served.block()).isEqualTo(Membership.of("staff"));
		assertThat(this.databaseReads).hasValue(2);
		assertThat(this.cache.get(KEY, new ResolutionTrace()).block()).isEqualTo(Membership.of("staff"));
		assertThat(this.databaseReads).hasValue(2);

		read(1).tryEmitValue(Membership.of("viewer")).orThrow();
		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("viewer"));
	}

	@Test // issue-25: a refresh in flight when the change arrives must not put its old answer back
	void invalidateWhenARefreshIsInFlightThenTheRefreshIsDiscarded() {
		load(Membership.of("staff"));
		this.nanos.addAndGet(TTL.toNanos() * 76 / 100);
		this.cache.get(KEY, new ResolutionTrace());
		assertThat(this.databaseReads).hasValue(2);

		this.cache.invalidate(KEY);
		read(1).tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(this.cache.held(KEY)).isNull();
	}

	@Test
	void getWhenARefreshFailsThenTheOldAnswerStaysUntilItExpires() {
		load(Membership.of("staff"));
		this.nanos.addAndGet(TTL.toNanos() * 76 / 100);
		this.cache.get(KEY, new ResolutionTrace());
		read(1).tryEmitError(new IllegalStateException("database down")).orThrow();

		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("staff"));
		this.nanos.addAndGet(TTL.toNanos());
		assertThat(this.cache.held(KEY)).isNull();
	}

	@Test
	void getWhenTheDatabaseFailsThenEveryWaitingRequestFailsClosedAndNothingIsKept() {
		CompletableFuture<Membership> first = get();
		CompletableFuture<Membership> second = get();
		read(0).tryEmitError(new IllegalStateException("database down")).orThrow();

		assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(RoleUnavailableException.class);
		assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RoleUnavailableException.class);
		get();
		assertThat(this.databaseReads).hasValue(2);
	}

	@Test
	void getWhenTheSharedEntryPredatesTheLatestChangeThenTheDatabaseAnswers() throws Exception {
		long changedAt = this.clock.millis();
		this.sharedEntry.set(new SharedRead<>(Membership.of("owner"), changedAt - 1, changedAt, 0));

		CompletableFuture<Membership> answer = get();
		assertThat(this.databaseReads).hasValue(1);
		this.clock.advance(Duration.ofSeconds(5));
		read(0).tryEmitValue(Membership.of("viewer")).orThrow();
		assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("viewer"));
	}

	@Test
	void getWhenTheSharedEntryIsNewerThanTheChangeThenItAnswersWithoutTheDatabase() throws Exception {
		long changedAt = this.clock.millis() - 5000;
		this.sharedEntry.set(new SharedRead<>(Membership.of("owner"), this.clock.millis(), changedAt, 0));

		assertThat(get().get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("owner"));
		assertThat(this.databaseReads).hasValue(0);
		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("owner"));
	}

	@Test // issue-3: a replica may not have the change yet
	void getWhenTheReadBeginsJustAfterAChangeThenItsAnswerIsNotKept() throws Exception {
		this.trust.changed(new ChangeKey.Member("u1", "acme"), this.clock.millis()).block();
		this.clock.advance(Duration.ofMillis(500));

		CompletableFuture<Membership> answer = get();
		read(0).tryEmitValue(Membership.of("staff")).orThrow();
		assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(this.cache.held(KEY)).isNull();

		this.clock.advance(Duration.ofSeconds(2));
		CompletableFuture<Membership> later = get();
		read(1).tryEmitValue(Membership.of("viewer")).orThrow();
		assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("viewer"));
		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("viewer"));
	}

	@Test
	void getWhenARequestIsCancelledThenTheSharedLoadGoesOnForTheOthers() throws Exception {
		CompletableFuture<Membership> cancelled = get();
		CompletableFuture<Membership> other = get();
		cancelled.cancel(true);
		read(0).tryEmitValue(Membership.of("staff")).orThrow();

		assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo(Membership.of("staff"));
		assertThat(this.cache.held(KEY)).isEqualTo(Membership.of("staff"));
	}

	private void load(Membership value) {
		CompletableFuture<Membership> loaded = get();
		read(this.reads.size() - 1).tryEmitValue(value).orThrow();
		assertThat(loaded.join()).isEqualTo(value);
	}

}
