package dev.tenantgate.role;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;

/**
 * The role could not be read because the authoritative store is unreachable or too slow. The request fails closed
 * with 503 {@code role_unavailable}.
 */
public final class RoleUnavailableException extends AccessDeniedException {

	public RoleUnavailableException() {
		super(FailureCode.ROLE_UNAVAILABLE);
	}

}
