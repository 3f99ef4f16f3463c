package dev.tenantgate.path;

/**
 * A request path that {@link RequestPathNormalizer} refuses. The message is safe to show to the client.
 */
public final class InvalidPathException extends RuntimeException {

	public InvalidPathException(String message) {
		super(message, null, false, false);
	}

}
