package dev.tenantgate.role;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Where the roles of one request came from ({@code claim}, {@code local}, {@code redis}, {@code postgres}), for the
 * decision log. A caller puts one in the Reactor context with {@link #in(Context)}; the resolver fills it in.
 */
public final class ResolutionTrace {

	private volatile @Nullable String membershipSource;

	private volatile @Nullable String userSource;

	public Context in(Context context) {
		return context.put(ResolutionTrace.class, this);
	}

	public @Nullable String membershipSource() {
		return this.membershipSource;
	}

	public @Nullable String userSource() {
		return this.userSource;
	}

	static void membership(ContextView context, String source) {
		ResolutionTrace trace = context.getOrDefault(ResolutionTrace.class, null);
		if (trace != null) {
			trace.membershipSource = source;
		}
	}

	static void user(ContextView context, String source) {
		ResolutionTrace trace = context.getOrDefault(ResolutionTrace.class, null);
		if (trace != null) {
			trace.userSource = source;
		}
	}

}
