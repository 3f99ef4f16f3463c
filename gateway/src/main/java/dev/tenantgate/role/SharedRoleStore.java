package dev.tenantgate.role;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

import reactor.core.publisher.Mono;

/**
 * The tier shared by every instance (Redis in production). Reads return empty on a miss; an entry older than the
 * latest change recorded for its key ({@code changedAt}) or than {@link #distrustEntriesBefore(long)} is a miss.
 * Writes are conditional on no change having been recorded since the read that produced them began.
 */
public interface SharedRoleStore {

	Mono<Membership> membership(MembershipKey key, long changedAt);

	/**
	 * As {@link #membership(MembershipKey, long)}, for when the change times of the membership and its organization
	 * are not known in-process: they are read in the same round trip, handed to {@code changeTimes} (change key and
	 * time, 0 for none), and the entry is judged against the later of them.
	 */
	Mono<Membership> membership(MembershipKey key, BiConsumer<String, Long> changeTimes);

	Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt);

	Mono<PlatformUser> user(String userId, long changedAt);

	/** As {@link #user(String, long)}, reading the user's change time in the same round trip. */
	Mono<PlatformUser> user(String userId, BiConsumer<String, Long> changeTimes);

	Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt);

	/**
	 * Several memberships in one round trip (the in-process tier's background refreshes): each is read with its
	 * change times, as by {@link #membership(MembershipKey, BiConsumer)}, and judged against the later of them and
	 * {@code knownChange} (a change time held in-process, 0 for none). The map holds the entries found and trusted.
	 */
	Mono<Map<MembershipKey, Membership>> memberships(List<MembershipKey> keys, ToLongFunction<MembershipKey> knownChange,
			BiConsumer<String, Long> changeTimes);

	/** Several users in one round trip, as {@link #memberships(List, ToLongFunction, BiConsumer)}. */
	Mono<Map<String, PlatformUser>> users(List<String> userIds, ToLongFunction<String> knownChange,
			BiConsumer<String, Long> changeTimes);

	/**
	 * The user and their membership in one round trip, each read with its change times and judged as by
	 * {@link #memberships(List, ToLongFunction, BiConsumer)} ({@code knownUserChange} and
	 * {@code knownMembershipChange}: change times held in-process, 0 for none). A part not found or not trusted is
	 * {@code null}.
	 */
	Mono<UserWithMembership> userWithMembership(MembershipKey key, long knownUserChange, long knownMembershipChange,
			BiConsumer<String, Long> changeTimes);

	/**
	 * Writes the user and their membership (both read from the database at {@code readStartedAt}) in one round trip,
	 * each on its own condition, as {@link #putUser} and {@link #putMembership} would.
	 * @return a bit for each entry written: 1 the user, 2 the membership
	 */
	Mono<Long> putUserWithMembership(MembershipKey key, PlatformUser user, Membership membership, long readStartedAt);

	void distrustEntriesBefore(long time);

	Mono<Long> evictMembership(MembershipKey key);

	Mono<Long> evictOrganization(String organizationId);

	Mono<Long> evictUser(String userId);

	/** No shared tier (a single instance, e.g. {@code start-dev}): every read misses, writes do nothing. */
	SharedRoleStore NONE = new SharedRoleStore() {

		public Mono<Membership> membership(MembershipKey key, long changedAt) {
			return Mono.empty();
		}

		public Mono<Membership> membership(MembershipKey key, BiConsumer<String, Long> changeTimes) {
			return Mono.empty();
		}

		public Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt) {
			return Mono.just(false);
		}

		public Mono<PlatformUser> user(String userId, long changedAt) {
			return Mono.empty();
		}

		public Mono<PlatformUser> user(String userId, BiConsumer<String, Long> changeTimes) {
			return Mono.empty();
		}

		public Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt) {
			return Mono.just(false);
		}

		public Mono<Map<MembershipKey, Membership>> memberships(List<MembershipKey> keys,
				ToLongFunction<MembershipKey> knownChange, BiConsumer<String, Long> changeTimes) {
			return Mono.just(Map.of());
		}

		public Mono<Map<String, PlatformUser>> users(List<String> userIds, ToLongFunction<String> knownChange,
				BiConsumer<String, Long> changeTimes) {
			return Mono.just(Map.of());
		}

		public Mono<Long> putUserWithMembership(MembershipKey key, PlatformUser user, Membership membership,
				long readStartedAt) {
			return Mono.just(0L);
		}

		public void distrustEntriesBefore(long time) {
		}

		public Mono<UserWithMembership> userWithMembership(MembershipKey key, long knownUserChange,
				long knownMembershipChange, BiConsumer<String, Long> changeTimes) {
			return Mono.just(UserWithMembership.NEITHER);
		}

		@Override
		public Mono<Long> evictMembership(MembershipKey key) {
			return Mono.just(0L);
		}

		public Mono<Long> evictOrganization(String organizationId) {
			return Mono.just(0L);
		}

		public Mono<Long> evictUser(String userId) {
			return Mono.just(0L);
		}

	};

}
