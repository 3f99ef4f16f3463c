package dev.tenantgate.role;

/**
 * The shape of Better Auth ids that the gateway accepts in keys and queries: 1 to 128 characters of
 * {@code [A-Za-z0-9_-]}. Better Auth's own ids are 32 random alphanumerics; UUIDs also fit.
 */
public final class Identifiers {

	private static final int MAX_LENGTH = 128;

	// Checked for every id on every request, several times: one table lookup per character.
	private static final boolean[] ALLOWED = new boolean[128];

	static {
		for (char c = 0; c < ALLOWED.length; c++) {
			ALLOWED[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
		}
	}

	private Identifiers() {
	}

	public static boolean isValid(String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c >= ALLOWED.length || !ALLOWED[c]) {
				return false;
			}
		}
		return true;
	}

	static String require(String id, String name) {
		if (!isValid(id)) {
			throw new IllegalArgumentException(name + " is not a valid identifier");
		}
		return id;
	}

}
