package dev.tenantgate.resilience;

/**
 * A call refused because every one of the calls its dependency may serve at once was in use for as long as a call
 * may wait. The dependency itself did not fail: this is load shed before it, and no circuit breaker counts it.
 */
public final class DependencyBusyException extends RuntimeException {

	DependencyBusyException(String message) {
		// One instance per bulkhead: refusals come in bursts, and a stack trace says nothing more than the message.
		super(message, null, false, false);
	}

}
