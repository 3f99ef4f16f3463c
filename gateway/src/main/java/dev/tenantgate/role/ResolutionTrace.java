package dev.tenantgate.role;

import org.jspecify.annotations.Nullable;

/**
 * Where the roles of one request came from ({@code claim}, {@code local}, {@code redis}, {@code postgres}), for the
 * decision log. The caller creates one per request and passes it along; the resolver fills it in.
 */
public final class ResolutionTrace {

	private volatile @Nullable String membershipSource;

	private volatile @Nullable String userSource;

	public @Nullable String membershipSource() {
		return this.membershipSource;
	}

	public @Nullable String userSource() {
		return this.userSource;
	}

	void membership(String source) {
		this.membershipSource = source;
	}

	void user(String source) {
		this.userSource = source;
	}

}
