package dev.tenantgate.token;

import java.util.List;
import java.util.regex.Pattern;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Reads the bearer token from the {@code Authorization} header, as RFC 6750 §2.1 describes. The query parameter and
 * form body transports (§2.2, §2.3) and cookies are never read: a token anywhere but the header is no token.
 */
public final class BearerTokenExtractor {

	private static final Pattern BEARER = Pattern.compile("^Bearer (?<token>[a-zA-Z0-9-._~+/]+=*)$",
			Pattern.CASE_INSENSITIVE);

	private final int maxLength;

	public BearerTokenExtractor(int maxLength) {
		this.maxLength = maxLength;
	}

	/**
	 * @return the token
	 * @throws AccessDeniedException {@code token_missing}, {@code invalid_request} or {@code token_invalid}
	 */
	public String extract(ServerHttpRequest request) {
		List<String> values = request.getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
		if (values.isEmpty()) {
			throw new AccessDeniedException(FailureCode.TOKEN_MISSING);
		}
		if (values.size() > 1) {
			throw new AccessDeniedException(FailureCode.INVALID_REQUEST, "Found multiple Authorization headers.");
		}
		String header = values.get(0);
		if (!header.regionMatches(true, 0, "bearer", 0, 6)) {
			throw new AccessDeniedException(FailureCode.TOKEN_MISSING);
		}
		if (header.length() > this.maxLength + 7) {
			throw new AccessDeniedException(FailureCode.TOKEN_INVALID, "The bearer token is too large.");
		}
		var matcher = BEARER.matcher(header);
		if (!matcher.matches()) {
			throw new AccessDeniedException(FailureCode.TOKEN_INVALID, "The bearer token is malformed.");
		}
		return matcher.group("token");
	}

}
