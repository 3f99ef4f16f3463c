package dev.tenantgate.invalidation;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * One identity change published by the Better Auth side (see the events contract).
 *
 * @param type what changed
 * @param eventId the publisher's unique id, used to drop duplicates; may be absent
 * @param userId the user, for member and user events
 * @param organizationId the organization, for member and organization events
 * @param occurredAt when the change was committed, epoch milliseconds
 */
public record IdentityEvent(Type type, @Nullable String eventId, @Nullable String userId,
		@Nullable String organizationId, long occurredAt) {

	/** The subjects, without the deployment prefix. */
	public enum Type {

		MEMBER_ROLE_CHANGED("member.role.changed"), MEMBER_REMOVED("member.removed"), MEMBER_ADDED("member.added"),
		ORGANIZATION_DELETED("organization.deleted"), USER_ROLE_CHANGED("user.role.changed"),
		USER_BANNED("user.banned"), USER_UNBANNED("user.unbanned"), USER_DELETED("user.deleted");

		private final String subject;

		Type(String subject) {
			this.subject = subject;
		}

		public String subject() {
			return this.subject;
		}

		static @Nullable Type ofSubject(String subject) {
			return Arrays.stream(values()).filter((type) -> type.subject.equals(subject)).findFirst().orElse(null);
		}

		boolean isMemberEvent() {
			return this == MEMBER_ROLE_CHANGED || this == MEMBER_REMOVED || this == MEMBER_ADDED;
		}

		boolean isUserEvent() {
			return this == USER_ROLE_CHANGED || this == USER_BANNED || this == USER_UNBANNED || this == USER_DELETED;
		}

	}

}
