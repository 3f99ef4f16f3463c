package dev.tenantgate.invalidation;

/**
 * An event message that does not follow the contract. Logged and counted, never fatal.
 */
public final class MalformedEventException extends RuntimeException {

	public MalformedEventException(String message) {
		super(message, null, false, false);
	}

}
