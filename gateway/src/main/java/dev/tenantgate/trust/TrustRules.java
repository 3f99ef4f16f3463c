package dev.tenantgate.trust;

/**
 * When a role claim or a cached answer still counts: the rules themselves, as pure functions of times in epoch
 * milliseconds. {@link TrustModel} supplies the times; nothing else decides.
 * <table>
 * <caption>The rules</caption>
 * <tr><th>what</th><th>counts when</th></tr>
 * <tr><td>a role claim in a token</td><td>the change feed covered the token's {@code iat} (capped at now plus the
 * token clock skew), no change to its key was recorded after that {@code iat}, and, with the feed turned off, the
 * token is younger than the in-process time to live</td></tr>
 * <tr><td>an entry of the shared tier (Redis)</td><td>the read that produced it began after the latest recorded
 * change plus the clock tolerance between instances, and not before a gap this instance could not replay</td></tr>
 * <tr><td>a database answer, for the in-process tier</td><td>no change was recorded within the quiet period before
 * the read began (a replica may not have it yet), and no change arrived while the read was in flight (the cache
 * drops the read when the change arrives)</td></tr>
 * </table>
 * A change time of 0 means "no change known".
 */
public final class TrustRules {

	private TrustRules() {
	}

	/**
	 * The {@code iat} a claim is judged by: a token stamped in the future is treated as issued at now plus the skew,
	 * so a change made within that margin still makes its claim stale.
	 */
	public static long issuedAt(long iat, long now, long skewMillis) {
		return Math.min(iat, now + skewMillis);
	}

	/**
	 * @param issuedAt the claim's {@code iat}, capped by {@link #issuedAt(long, long, long)}
	 * @param coveredFrom every change from this time on is known here ({@link Long#MAX_VALUE}: none is)
	 * @param latestChange the latest change recorded for the claim's keys
	 * @param maximumAgeMillis how old a claim may be ({@link Long#MAX_VALUE} while change events are heard)
	 */
	public static boolean claimCounts(long issuedAt, long now, long coveredFrom, long latestChange,
			long maximumAgeMillis) {
		return issuedAt >= coveredFrom && latestChange <= issuedAt && now - issuedAt <= maximumAgeMillis;
	}

	/**
	 * @param readStartedAt when the database read that produced the entry began (its stamp)
	 * @param latestChange the latest change recorded for the entry's keys
	 * @param distrustBefore entries from reads before this time are not trusted (a gap in change events)
	 * @param toleranceMillis how far the clocks of two instances may differ
	 */
	public static boolean sharedEntryCounts(long readStartedAt, long latestChange, long distrustBefore,
			long toleranceMillis) {
		long afterChange = (latestChange > 0) ? latestChange + toleranceMillis + 1 : 0;
		return readStartedAt >= Math.max(afterChange, distrustBefore);
	}

	/**
	 * Whether a database answer may be kept in-process.
	 * @param readStartedAt when the read began
	 * @param latestChange the latest change recorded for the answer's keys
	 * @param quietPeriodMillis how long after a change a replica may still answer from before it
	 */
	public static boolean mayKeep(long readStartedAt, long latestChange, long quietPeriodMillis) {
		return latestChange == 0 || latestChange < readStartedAt - quietPeriodMillis;
	}

}
