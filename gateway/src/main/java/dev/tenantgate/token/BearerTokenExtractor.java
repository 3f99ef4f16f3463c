package dev.tenantgate.token;

import java.util.List;

import dev.tenantgate.problem.AccessDeniedException;
import dev.tenantgate.problem.FailureCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Reads the bearer token from the {@code Authorization} header, as RFC 6750 §2.1 describes. The query parameter and
 * form body transports (§2.2, §2.3) and cookies are never read: a token anywhere but the header is no token.
 */
public final class BearerTokenExtractor {

	// RFC 6750 §2.1 b64token characters: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/".
	private static final boolean[] TOKEN_CHARS = new boolean[128];

	static {
		for (char c = 0; c < 128; c++) {
			TOKEN_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
		}
	}

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
		if (header.length() < 8 || header.charAt(6) != ' ' || !isToken68(header, 7)) {
			throw new AccessDeniedException(FailureCode.TOKEN_INVALID, "The bearer token is malformed.");
		}
		return header.substring(7);
	}

	// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", checked by hand: a
	// regular expression here was a measurable share of the gateway's CPU time.
	private static boolean isToken68(String value, int start) {
		int i = start;
		while (i < value.length() && isTokenChar(value.charAt(i))) {
			i++;
		}
		if (i == start) {
			return false;
		}
		while (i < value.length() && value.charAt(i) == '=') {
			i++;
		}
		return i == value.length();
	}

	private static boolean isTokenChar(char c) {
		return c < 128 && TOKEN_CHARS[c];
	}

}
