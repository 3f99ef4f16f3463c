package dev.tenantgate.role;

import reactor.core.publisher.Mono;

/**
 * The tier shared by every instance (Redis in production). Reads return empty on a miss; an entry older than the
 * latest change recorded for its key ({@code changedAt}) or than {@link #distrustEntriesBefore(long)} is a miss.
 * Writes are conditional on no change having been recorded since the read that produced them began.
 */
public interface SharedRoleStore {

	Mono<Membership> membership(MembershipKey key, long changedAt);

	Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt);

	Mono<PlatformUser> user(String userId, long changedAt);

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

		public Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt) {
			return Mono.just(false);
		}

		public Mono<PlatformUser> user(String userId, long changedAt) {
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
