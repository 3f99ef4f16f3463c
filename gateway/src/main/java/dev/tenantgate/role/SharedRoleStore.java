package dev.tenantgate.role;

import reactor.core.publisher.Mono;

/**
 * The tier shared by every instance (Redis in production). A read returns the entry with the change times of its
 * keys, read in the same round trip; whether it still counts is the trust model's decision. Writes are conditional on
 * no change having been recorded since the read that produced them began.
 */
public interface SharedRoleStore {

	/** The membership's entry, or empty when the tier is not there. */
	Mono<SharedRead<Membership>> membership(MembershipKey key);

	Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt);

	/** The user's entry, or empty when the tier is not there. */
	Mono<SharedRead<PlatformUser>> user(String userId);

	Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt);

	Mono<Long> evictMembership(MembershipKey key);

	Mono<Long> evictOrganization(String organizationId);

	Mono<Long> evictUser(String userId);

	/** No shared tier (a single instance, e.g. {@code start-dev}): every read misses, writes do nothing. */
	SharedRoleStore NONE = new SharedRoleStore() {

		public Mono<SharedRead<Membership>> membership(MembershipKey key) {
			return Mono.empty();
		}

		public Mono<Boolean> putMembership(MembershipKey key, Membership membership, long readStartedAt) {
			return Mono.just(false);
		}

		public Mono<SharedRead<PlatformUser>> user(String userId) {
			return Mono.empty();
		}

		public Mono<Boolean> putUser(String userId, PlatformUser user, long readStartedAt) {
			return Mono.just(false);
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
