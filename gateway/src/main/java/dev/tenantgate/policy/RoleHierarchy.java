package dev.tenantgate.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Member roles from most to least powerful, {@code owner > admin > staff > viewer} by default. A role satisfies a
 * minimum when it stands at or above it. Roles outside the hierarchy satisfy no minimum.
 */
public final class RoleHierarchy {

	/** The platform's default: {@code owner > admin > staff > viewer}. */
	public static final List<String> DEFAULT = List.of("owner", "admin", "staff", "viewer");

	private final List<String> order;

	private final Map<String, Integer> rank = new HashMap<>();

	public RoleHierarchy(List<String> order) {
		if (order.isEmpty()) {
			throw new IllegalArgumentException("hierarchy must name at least one role");
		}
		this.order = List.copyOf(order);
		for (int i = 0; i < order.size(); i++) {
			if (this.rank.put(order.get(i), i) != null) {
				throw new IllegalArgumentException("hierarchy names '" + order.get(i) + "' twice");
			}
		}
	}

	public boolean contains(String role) {
		return this.rank.containsKey(role);
	}

	/** Whether any of {@code roles} is at or above {@code minimum}. */
	public boolean satisfies(Set<String> roles, String minimum) {
		int required = this.rank.get(minimum);
		for (String role : roles) {
			Integer actual = this.rank.get(role);
			if (actual != null && actual <= required) {
				return true;
			}
		}
		return false;
	}

	public List<String> roles() {
		return this.order;
	}

	@Override
	public String toString() {
		return String.join(" > ", this.order);
	}

}
