package dev.tenantgate.support;

import java.time.Duration;

import dev.tenantgate.resilience.DependencyGuard;

/**
 * Guards for tests that exercise something else: a time limit, and a breaker that no test's few calls can open.
 */
public final class TestGuards {

	private TestGuards() {
	}

	public static DependencyGuard permissive(String name, Duration timeout) {
		return DependencyGuard.of(name, new DependencyGuard.Settings(timeout, 100, 1000, Duration.ofSeconds(1),
				Duration.ofSeconds(1), 0, Duration.ZERO));
	}

}
