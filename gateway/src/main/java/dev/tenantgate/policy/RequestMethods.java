package dev.tenantgate.policy;

import java.util.Set;

/**
 * Request methods as the gateway reads them. A method is case-sensitive (RFC 9110, section 9.1) but some services
 * behind a gateway are not (Django and ASP.NET treat {@code delete} as {@code DELETE}): only an upper-case token is
 * accepted, so a rule keyed by {@code DELETE} sees every request that a service would run as a DELETE. The wildcard
 * rule {@code "*"} covers the {@link #STANDARD} methods only; any other method (a WebDAV one, a custom one, {@code TRACE})
 * needs a rule of its own, and {@code CONNECT} none can have: the gateway proxies requests, it opens no tunnels.
 */
public final class RequestMethods {

	/** The methods {@code "*"} covers. */
	public static final Set<String> STANDARD = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

	/** The method a route may not name: it asks for a tunnel, not a request. */
	public static final String CONNECT = "CONNECT";

	/** The longest method accepted; longer ones are refused like malformed ones. */
	public static final int MAX_LENGTH = 32;

	/** The meter tag of every method but the standard ones, TRACE and CONNECT: custom ones cannot grow a registry. */
	public static final String OTHER = "OTHER";

	private static final Set<String> TAGGED = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
			"TRACE", CONNECT);

	private RequestMethods() {
	}

	/**
	 * Whether {@code method} is a token of RFC 9110 (section 5.6.2) whose letters are all upper case, at most
	 * {@link #MAX_LENGTH} characters long.
	 */
	public static boolean isValid(String method) {
		int length = method.length();
		if (length == 0 || length > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (!isUpperCaseTokenChar(method.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/** The value a meter tags {@code method} with: itself for the standard methods, TRACE and CONNECT, else OTHER. */
	public static String tag(String method) {
		return TAGGED.contains(method) ? method : OTHER;
	}

	private static boolean isUpperCaseTokenChar(char c) {
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return true;
		}
		return switch (c) {
			case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
			default -> false;
		};
	}

}
