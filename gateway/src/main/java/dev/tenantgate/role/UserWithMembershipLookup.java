package dev.tenantgate.role;

import java.time.Clock;
import java.util.function.Function;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.resilience.DependencyGuard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * A user and their membership looked up together, for a request that needs both and finds neither in-process: one
 * shared-tier round trip for both, and one database query for both when the shared tier holds neither. Looked up
 * apart, each took a round trip to Redis and a query of its own (two PostgreSQL connections, two backends woken).
 * <p>
 * Each answer is put in the in-process tier by its own {@link TieredLookup}, under the same rules as a lookup of its
 * own (generations, change times); answers from the database go to the shared tier together, in one conditional
 * write for both. The guards are the same: the shared tier's failures count as a miss, the database's fail the
 * lookup closed.
 */
final class UserWithMembershipLookup {

	private static final Log logger = LogFactory.getLog(UserWithMembershipLookup.class);

	private final TieredLookup<String, PlatformUser> users;

	private final TieredLookup<MembershipKey, Membership> memberships;

	private final Function<MembershipKey, Mono<UserWithMembership>> shared;

	private final Function<MembershipKey, Mono<UserWithMembership>> load;

	private final SharedFill fill;

	private final DependencyGuard sharedGuard;

	private final DependencyGuard loadGuard;

	private final Clock clock;

	/**
	 * @param shared reads both from the shared tier ({@link UserWithMembership#NEITHER} parts when not held)
	 * @param load reads both from the database
	 * @param fill writes both, as read from the database, to the shared tier
	 */
	UserWithMembershipLookup(TieredLookup<String, PlatformUser> users, TieredLookup<MembershipKey, Membership> memberships,
			Function<MembershipKey, Mono<UserWithMembership>> shared, Function<MembershipKey, Mono<UserWithMembership>> load,
			SharedFill fill, DependencyGuard sharedGuard, DependencyGuard loadGuard, Clock clock) {
		this.users = users;
		this.memberships = memberships;
		this.shared = shared;
		this.load = load;
		this.fill = fill;
		this.sharedGuard = sharedGuard;
		this.loadGuard = loadGuard;
		this.clock = clock;
	}

	/** Both, read from the lower tiers on subscription: neither is held in-process. */
	Mono<UserWithMembership> get(MembershipKey key, ResolutionTrace trace) {
		return Mono.defer(() -> {
			// Noted before any lower tier is read, as in TieredLookup: one in-process tier holds both.
			long generation = this.users.generation();
			long started = System.nanoTime();
			return this.sharedGuard.guard(Mono.defer(() -> this.shared.apply(key))).onErrorResume((ex) -> {
				logger.debug("user with membership: shared tier failed, reading the database: " + ex);
				return Mono.just(UserWithMembership.NEITHER);
			}).flatMap((found) -> fromShared(key, found, trace, System.nanoTime() - started, generation));
		});
	}

	private Mono<UserWithMembership> fromShared(MembershipKey key, UserWithMembership found, ResolutionTrace trace,
			long nanos, long generation) {
		PlatformUser user = found.user();
		Membership membership = found.membership();
		if (user != null) {
			this.users.answeredByShared(key.userId(), user, trace, nanos, generation);
		}
		if (membership != null) {
			this.memberships.answeredByShared(key, membership, trace, nanos, generation);
		}
		if (user != null && membership != null) {
			return Mono.just(found);
		}
		if (user != null) {
			return this.memberships.fromDatabase(key, trace, generation)
				.map((read) -> new UserWithMembership(user, read));
		}
		if (membership != null) {
			return this.users.fromDatabase(key.userId(), trace, generation)
				.map((read) -> new UserWithMembership(read, membership));
		}
		return fromDatabase(key, trace, generation);
	}

	private Mono<UserWithMembership> fromDatabase(MembershipKey key, ResolutionTrace trace, long generation) {
		return Mono.defer(() -> {
			long readStartedAt = this.clock.millis();
			long started = System.nanoTime();
			return this.loadGuard.guard(this.load.apply(key)).doOnError((ex) -> {
				this.users.databaseFailed();
				this.memberships.databaseFailed();
			}).onErrorMap((ex) -> !(ex instanceof AccessDeniedException), (ex) -> {
				logger.warn("user with membership: database lookup failed, failing closed: " + ex);
				return new RoleUnavailableException();
			}).doOnNext((read) -> {
				long nanos = System.nanoTime() - started;
				this.users.answeredByDatabase(key.userId(), read.user(), trace, nanos, generation, readStartedAt);
				this.memberships.answeredByDatabase(key, read.membership(), trace, nanos, generation, readStartedAt);
				fillShared(key, read, readStartedAt);
			});
		});
	}

	/** Both values in one write to the shared tier, each on its own condition (see {@link SharedRoleStore}). */
	private void fillShared(MembershipKey key, UserWithMembership read, long readStartedAt) {
		this.sharedGuard.guard(Mono.defer(() -> this.fill.fill(key, read, readStartedAt)))
			.subscribe(null, (ex) -> logger.debug("user with membership: could not fill the shared tier: " + ex));
	}

	/** Writes a user and their membership, both read from the database, to the shared tier. */
	@FunctionalInterface
	interface SharedFill {

		Mono<?> fill(MembershipKey key, UserWithMembership read, long readStartedAt);

	}

}
