package dev.tenantgate.invalidation;

import java.util.Map;

import dev.tenantgate.role.Identifiers;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an event message: the subject (without prefix) says the type, the JSON payload the ids and times. Ids must
 * be valid identifiers, since they become cache keys.
 */
public final class IdentityEventParser {

	private static final int MAX_PAYLOAD = 16 * 1024;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * @throws MalformedEventException when the subject is unknown or the payload is not what the contract says
	 */
	public IdentityEvent parse(String subject, byte[] payload) {
		IdentityEvent.Type type = IdentityEvent.Type.ofSubject(subject);
		if (type == null) {
			throw new MalformedEventException("unknown subject " + subject);
		}
		if (payload.length > MAX_PAYLOAD) {
			throw new MalformedEventException("payload too large on " + subject);
		}
		Map<?, ?> fields;
		try {
			fields = this.json.readValue(payload, Map.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException("payload is not a JSON object on " + subject);
		}
		if (fields == null) {
			throw new MalformedEventException("payload is not a JSON object on " + subject);
		}
		String userId = id(fields, "userId", type.isMemberEvent() || type.isUserEvent(), subject);
		String organizationId = id(fields, "organizationId", !type.isUserEvent(), subject);
		if (!(fields.get("occurredAt") instanceof Number occurredAt) || occurredAt.longValue() <= 0) {
			throw new MalformedEventException("occurredAt is missing or not epoch milliseconds on " + subject);
		}
		Object eventId = fields.get("eventId");
		return new IdentityEvent(type, (eventId instanceof String text && !text.isEmpty()) ? text : null, userId,
				organizationId, occurredAt.longValue());
	}

	private static @Nullable String id(Map<?, ?> fields, String name, boolean required, String subject) {
		Object value = fields.get(name);
		if (!required) {
			return null;
		}
		if (!(value instanceof String id) || !Identifiers.isValid(id)) {
			throw new MalformedEventException(name + " is missing or not a valid id on " + subject);
		}
		return id;
	}

}
