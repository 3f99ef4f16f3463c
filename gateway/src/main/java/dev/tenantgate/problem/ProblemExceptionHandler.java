package dev.tenantgate.problem;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.netty.handler.timeout.ReadTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Turns every error that escapes the filters (no route, downstream refused or timed out, anything unexpected) into
 * a problem body with a stable code. Library messages, stack traces and internal names are logged, never sent.
 */
public final class ProblemExceptionHandler implements WebExceptionHandler {

	/** Ahead of Spring Boot's {@code DefaultErrorWebExceptionHandler} (-1). */
	public static final int ORDER = -2;

	private static final Log logger = LogFactory.getLog(ProblemExceptionHandler.class);

	private final ProblemResponseWriter problems;

	public ProblemExceptionHandler(ProblemResponseWriter problems) {
		this.problems = problems;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		return this.problems.write(exchange, toFailure(ex));
	}

	AccessDeniedException toFailure(Throwable ex) {
		if (ex instanceof AccessDeniedException denied) {
			return denied;
		}
		if (ex instanceof ResponseStatusException status) {
			return fromStatus(status.getStatusCode(), ex);
		}
		if (causedBy(ex, ConnectException.class)) {
			logger.warn("Downstream connection failed: " + ex);
			return new AccessDeniedException(FailureCode.DOWNSTREAM_UNAVAILABLE);
		}
		// Spring Cloud Gateway's response timeout, and Reactor Netty's read timeout (tenantgate.downstream)
		if (causedBy(ex, TimeoutException.class) || causedBy(ex, ReadTimeoutException.class)) {
			logger.warn("Downstream timed out: " + ex);
			return new AccessDeniedException(FailureCode.DOWNSTREAM_TIMEOUT);
		}
		logger.error("Unexpected error while handling a request", ex);
		return new AccessDeniedException(FailureCode.INTERNAL_ERROR);
	}

	private static AccessDeniedException fromStatus(HttpStatusCode status, Throwable ex) {
		if (status.value() == HttpStatus.NOT_FOUND.value()) {
			return new AccessDeniedException(FailureCode.ROUTE_NOT_FOUND);
		}
		if (status.value() == HttpStatus.METHOD_NOT_ALLOWED.value()) {
			return new AccessDeniedException(FailureCode.METHOD_NOT_ALLOWED);
		}
		if (status.value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
			return new AccessDeniedException(FailureCode.DOWNSTREAM_TIMEOUT);
		}
		if (status.value() == HttpStatus.BAD_GATEWAY.value() || status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			return new AccessDeniedException(FailureCode.DOWNSTREAM_UNAVAILABLE);
		}
		if (status.is4xxClientError()) {
			return new AccessDeniedException(FailureCode.BAD_REQUEST);
		}
		logger.error("Unexpected error status " + status.value(), ex);
		return new AccessDeniedException(FailureCode.INTERNAL_ERROR);
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

}
