package dev.tenantgate.problem;

import org.springframework.http.HttpStatus;

/**
 * Every way a request can be refused, with the HTTP status and the stable {@code code} that clients see in the
 * problem body. The codes are part of the public contract: never rename one.
 */
public enum FailureCode {

	/** No bearer token in the {@code Authorization} header (RFC 6750 §3.1: no error attribute). */
	TOKEN_MISSING(HttpStatus.UNAUTHORIZED, "token_missing", "A bearer token is required."),

	/** The request carries credentials in a way RFC 6750 forbids, e.g. two Authorization headers. */
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "invalid_request", "The request is malformed."),

	/** The token is malformed, has a bad signature, or fails a claim check. */
	TOKEN_INVALID(HttpStatus.UNAUTHORIZED, "token_invalid", "The bearer token is invalid."),

	/** The token's {@code exp} is in the past (beyond the allowed clock skew). */
	TOKEN_EXPIRED(HttpStatus.UNAUTHORIZED, "token_expired", "The bearer token has expired."),

	/**
	 * A tenant route needs the token's organization claim ({@code tenantgate.roles.require-organization-claim}), and
	 * the token has none: an {@code invalid_token} whose description names the claim.
	 */
	ORGANIZATION_CLAIM_MISSING(HttpStatus.UNAUTHORIZED, "organization_claim_missing",
			"The bearer token has no organization claim, which this route requires."),

	/** The signing keys could not be fetched and none are cached: the token cannot be checked. */
	KEYS_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "keys_unavailable", "The token cannot be verified right now."),

	/** The tenant in the path is not the organization the token was issued for. */
	TENANT_MISMATCH(HttpStatus.FORBIDDEN, "tenant_mismatch", "The token is not valid for this organization."),

	/** The user is not a member of the organization in the path. */
	NOT_A_MEMBER(HttpStatus.FORBIDDEN, "not_a_member", "The user is not a member of this organization."),

	/** The user's roles do not satisfy the route's rule. */
	ROLE_INSUFFICIENT(HttpStatus.FORBIDDEN, "role_insufficient", "The user's role does not allow this request."),

	/** The user is banned (admin plugin), or no longer exists. */
	USER_BANNED(HttpStatus.FORBIDDEN, "user_banned", "The user is banned."),

	/**
	 * A token without the organization claim (with {@code require-organization-claim: false}) has named more
	 * organizations within the window than one subject may have looked up.
	 */
	TOO_MANY_ORGANIZATIONS(HttpStatus.TOO_MANY_REQUESTS, "too_many_organizations",
			"Too many organizations were tried without an organization claim; try again later."),

	/** A role needed for the decision could not be read because the stores are unreachable: fail closed. */
	ROLE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "role_unavailable", "The user's role cannot be resolved right now."),

	/** The path is ambiguous or malformed (encoded slash, double encoding, control characters...). */
	PATH_INVALID(HttpStatus.BAD_REQUEST, "path_invalid", "The request path is not acceptable."),

	/** The request method is not an upper-case token (RFC 9110, section 9.1), e.g. {@code delete}. */
	METHOD_INVALID(HttpStatus.BAD_REQUEST, "method_invalid", "The request method must be an upper-case token."),

	/** The {@code Connection} header names more headers than any client needs. */
	CONNECTION_HEADER_INVALID(HttpStatus.BAD_REQUEST, "connection_header_invalid",
			"The Connection header names too many headers."),

	/** A forwarding header ({@code Forwarded}, {@code X-Forwarded-*}) from a trusted proxy is malformed. */
	FORWARDED_HEADER_INVALID(HttpStatus.BAD_REQUEST, "forwarded_header_invalid",
			"A forwarding header is malformed."),

	/** The request is malformed in a way that has nothing to do with credentials. */
	BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad_request", "The request is malformed."),

	/** No route in routes.yml matches the path: nothing is open by default. */
	ROUTE_NOT_FOUND(HttpStatus.NOT_FOUND, "route_not_found", "No route matches this path."),

	/** The route matches but has no rule for this HTTP method. */
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "The route has no rule for this method."),

	/** The downstream service refused or reset the connection. */
	DOWNSTREAM_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "downstream_unavailable", "The downstream service is unavailable."),

	/** The downstream service did not answer in time. */
	DOWNSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "downstream_timeout", "The downstream service did not answer in time."),

	/** Anything unexpected. The details are logged, never sent. */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The gateway could not process the request.");

	private final HttpStatus status;

	private final String code;

	private final String defaultDetail;

	FailureCode(HttpStatus status, String code, String defaultDetail) {
		this.status = status;
		this.code = code;
		this.defaultDetail = defaultDetail;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String code() {
		return this.code;
	}

	public String defaultDetail() {
		return this.defaultDetail;
	}

}
