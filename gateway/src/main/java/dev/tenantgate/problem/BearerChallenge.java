package dev.tenantgate.problem;

import org.jspecify.annotations.Nullable;

/**
 * Builds the RFC 6750 §3 {@code WWW-Authenticate: Bearer ...} challenge. Attribute values are restricted to the
 * RFC 6750 character set, so nothing a client sent can inject a header.
 */
final class BearerChallenge {

	private BearerChallenge() {
	}

	/**
	 * The challenge for {@code code}, or {@code null} when the failure is not about the bearer token.
	 */
	@Nullable
	static String forFailure(String realm, FailureCode code, String detail) {
		String error = switch (code) {
			case TOKEN_MISSING -> "";
			case INVALID_REQUEST -> "invalid_request";
			case TOKEN_INVALID, TOKEN_EXPIRED, ORGANIZATION_CLAIM_MISSING -> "invalid_token";
			default -> null;
		};
		if (error == null) {
			return null;
		}
		StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(realm).append('"');
		if (!error.isEmpty()) {
			challenge.append(", error=\"").append(error).append('"');
			challenge.append(", error_description=\"").append(safeDescription(detail, code)).append('"');
		}
		return challenge.toString();
	}

	static String requireSafe(String value, String name) {
		if (!isSafe(value)) {
			throw new IllegalArgumentException(name + " must only contain RFC 6750 characters, but was '" + value + "'");
		}
		return value;
	}

	private static String safeDescription(String detail, FailureCode code) {
		return isSafe(detail) ? detail : code.defaultDetail();
	}

	// RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E
	private static boolean isSafe(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

}
