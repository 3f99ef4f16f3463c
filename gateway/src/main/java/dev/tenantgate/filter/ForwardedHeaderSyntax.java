package dev.tenantgate.filter;

import java.util.regex.Pattern;

/**
 * The syntax of the forwarding headers a proxy in front sends: {@code Forwarded} (RFC 7239, section 4) and the
 * {@code X-Forwarded-For}, {@code -Host}, {@code -Port}, {@code -Proto} and {@code -Prefix} headers (each a
 * comma-separated list, one element per proxy). A value that does not parse is refused rather than passed on, so
 * no service behind the gateway is left to make sense of it, and a prefix that is no absolute path never reaches one.
 * Other {@code X-Forwarded-} headers are passed on as they are.
 */
final class ForwardedHeaderSyntax {

	private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,255}");

	private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,255}");

	private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

	private static final Pattern PROTO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,15}");

	private static final Pattern PREFIX = Pattern.compile("/[A-Za-z0-9._~!$&'()*+;=:@%/-]{0,1023}");

	private ForwardedHeaderSyntax() {
	}

	/**
	 * Whether {@code value} of the header {@code canonicalName} (lowercase, {@code -}) is well-formed; a header this
	 * class does not know is.
	 */
	static boolean isValid(String canonicalName, String value) {
		return switch (canonicalName) {
			case "forwarded" -> isForwarded(value);
			case "x-forwarded-for" -> isList(value, ADDRESS);
			case "x-forwarded-host" -> isList(value, HOST);
			case "x-forwarded-port" -> isList(value, PORT) && portsInRange(value);
			case "x-forwarded-proto" -> isList(value, PROTO);
			case "x-forwarded-prefix" -> isList(value, PREFIX);
			default -> true;
		};
	}

	private static boolean isList(String value, Pattern element) {
		for (String item : value.split(",", -1)) {
			if (!element.matcher(item.strip()).matches()) {
				return false;
			}
		}
		return true;
	}

	private static boolean portsInRange(String value) {
		for (String item : value.split(",", -1)) {
			int port = Integer.parseInt(item.strip());
			if (port < 1 || port > 65535) {
				return false;
			}
		}
		return true;
	}

	/**
	 * {@code Forwarded = 1#forwarded-element}, {@code forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )},
	 * {@code forwarded-pair = token "=" value}, {@code value = token / quoted-string}.
	 */
	private static boolean isForwarded(String value) {
		int i = 0;
		int length = value.length();
		boolean pairs = false;
		while (i <= length) {
			i = skipWhitespace(value, i);
			int tokenEnd = token(value, i);
			if (tokenEnd > i) {
				if (tokenEnd >= length || value.charAt(tokenEnd) != '=') {
					return false;
				}
				i = tokenEnd + 1;
				int valueEnd = (i < length && value.charAt(i) == '"') ? quoted(value, i) : token(value, i);
				if (valueEnd <= i) {
					return false;
				}
				i = skipWhitespace(value, valueEnd);
				pairs = true;
			}
			if (i == length) {
				return pairs;
			}
			char separator = value.charAt(i);
			if (separator != ';' && separator != ',') {
				return false;
			}
			i++;
		}
		return pairs;
	}

	private static int skipWhitespace(String value, int from) {
		int i = from;
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	/** The end of the token starting at {@code from} ({@code from} itself when there is none). */
	private static int token(String value, int from) {
		int i = from;
		while (i < value.length() && isTokenChar(value.charAt(i))) {
			i++;
		}
		return i;
	}

	/** The end of the quoted string starting at {@code from} (a {@code "}), or {@code from} when it is not closed. */
	private static int quoted(String value, int from) {
		int i = from + 1;
		while (i < value.length()) {
			char c = value.charAt(i);
			if (c == '"') {
				return i + 1;
			}
			if (c == '\\') {
				i++;
			}
			else if (c < 0x20 && c != '\t' || c == 0x7f) {
				return from;
			}
			i++;
		}
		return from;
	}

	private static boolean isTokenChar(char c) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return true;
		}
		return switch (c) {
			case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
			default -> false;
		};
	}

}
