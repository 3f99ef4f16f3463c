package dev.tenantgate.policy;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.ResolutionTrace;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.support.ScalarMono;
import reactor.core.publisher.Mono;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

/** Stubs of a mocked {@link RoleResolver} for the authorizer's tests. */
final class ResolverStubs {

	private ResolverStubs() {
	}

	/**
	 * {@link RoleResolver#userAndMembership} as its contract describes it: the user as the mock's
	 * {@link RoleResolver#user} answers, and, when that answer is not from memory, the membership alongside it as the
	 * mock's {@link RoleResolver#membership} answers, already under way.
	 */
	static void userAndMembershipAsApart(RoleResolver roles) {
		given(roles.userAndMembership(any(), any(), any(), any())).willAnswer((invocation) -> {
			MembershipKey key = invocation.getArgument(0);
			ResolutionTrace trace = invocation.getArgument(3);
			Mono<PlatformUser> user = roles.user(key.userId(), trace);
			if (ScalarMono.isScalar(user)) {
				return new RoleResolver.UserAndMembershipLookups(user, null);
			}
			Mono<Membership> membership = roles.membership(key, invocation.getArgument(1), invocation.getArgument(2),
					trace);
			return new RoleResolver.UserAndMembershipLookups(user,
					ScalarMono.isScalar(membership) ? membership : Mono.fromFuture(membership.toFuture(), true));
		});
	}

}
