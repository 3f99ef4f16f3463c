package dev.tenantgate.policy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * How many distinct organizations one subject may have its membership looked up in, per window, with a token that
 * has no organization claim (with {@code require-organization-claim: false}, or a crossing platform role). Such a
 * token names the organization in the path only, so without a bound any signed-in user could make the gateway read
 * PostgreSQL for every id it invents. An organization already counted in the window costs nothing more (its answer
 * is cached anyway).
 */
public final class OrganizationLookupBudget {

	private final int maximumOrganizations;

	// A subject's window starts with its first lookup and ends when the entry expires: updates do not extend it.
	private final Cache<String, Window> windows;

	/**
	 * @param maximumOrganizations distinct organizations per subject and window
	 * @param window how long a subject's count lasts from its first lookup
	 * @param maximumSubjects how many subjects are counted at once (Caffeine's size bound)
	 */
	public OrganizationLookupBudget(int maximumOrganizations, Duration window, long maximumSubjects, Ticker ticker) {
		if (maximumOrganizations < 1) {
			throw new IllegalArgumentException("maximumOrganizations must be at least 1, but was " + maximumOrganizations);
		}
		this.maximumOrganizations = maximumOrganizations;
		this.windows = Caffeine.newBuilder()
			.expireAfterWrite(window)
			.maximumSize(maximumSubjects)
			.ticker(ticker)
			.build();
	}

	/** Whether {@code subject} may have its membership in {@code organizationId} looked up now; counts it if so. */
	public boolean tryAcquire(String subject, String organizationId) {
		return this.windows.get(subject, (key) -> new Window()).admit(organizationId, this.maximumOrganizations);
	}

	private static final class Window {

		private final Set<String> organizations = new HashSet<>();

		synchronized boolean admit(String organizationId, int maximum) {
			if (this.organizations.contains(organizationId)) {
				return true;
			}
			if (this.organizations.size() >= maximum) {
				return false;
			}
			this.organizations.add(organizationId);
			return true;
		}

	}

}
