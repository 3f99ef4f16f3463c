package dev.tenantgate.role;

import java.util.function.BiConsumer;

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

		public void distrustEntriesBefore(long time) {
		}

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
