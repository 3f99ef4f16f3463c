package dev.tenantgate.trust;

/**
 * What an identity change is about. A type per kind, so ids of different kinds never alias, and the request path
 * looks a change up without building a string; the Redis key of a change is built only inside the Redis store.
 */
public sealed interface ChangeKey {

	/** A member's roles in one organization (role changed, removed, added). */
	record Member(String userId, String organizationId) implements ChangeKey {
	}

	/** Every membership of an organization (the organization was deleted). */
	record Organization(String organizationId) implements ChangeKey {
	}

	/** A user's platform role or ban (role changed, banned, unbanned, deleted). */
	record User(String userId) implements ChangeKey {
	}

}
