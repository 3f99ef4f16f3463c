package dev.tenantgate.policy;

/**
 * {@code routes.yml} is not valid. The message names the file, the line and the reason.
 */
public final class RoutesFileException extends RuntimeException {

	public RoutesFileException(String source, int line, String reason) {
		super(source + ":" + line + ": " + reason);
	}

}
