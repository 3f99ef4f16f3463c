package dev.tenantgate.problem;

/**
 * A refusal with a {@link FailureCode} and a detail that is safe to show to the client. It carries no stack trace:
 * denials are expected outcomes on the request path, not bugs, and must stay cheap under attack.
 */
public class AccessDeniedException extends RuntimeException {

	private final FailureCode failureCode;

	public AccessDeniedException(FailureCode failureCode) {
		this(failureCode, failureCode.defaultDetail());
	}

	public AccessDeniedException(FailureCode failureCode, String detail) {
		super(detail, null, false, false);
		this.failureCode = failureCode;
	}

	public FailureCode failureCode() {
		return this.failureCode;
	}

	/** The client-facing explanation: written by this code base, never copied from a library message. */
	public String detail() {
		return getMessage();
	}

}
