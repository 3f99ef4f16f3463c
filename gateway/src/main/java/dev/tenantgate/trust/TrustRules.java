package dev.tenantgate.trust;

/**
 * When a role claim or a cached answer still counts: the rules themselves, as pure functions of times in epoch
 * milliseconds. {@link TrustModel} supplies the times; nothing else decides.
 * <table>
 * <caption>The rules</caption>
 * <tr><th>what</th><th>counts when</th></tr>
 * <tr><td>a role claim in a token</td><td>the token is not stamped further in the future than the token clock skew,
 * the change feed was heard when it was issued, no change to its keys was recorded after its {@code iat} less that
 * skew, and,
 * with the feed turned off, the token is younger than the in-process time to live</td></tr>
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
	 * The time a claim is judged by: its {@code iat} less the token clock skew, since the identity server's clock may
	 * be ahead of this instance's by that much and a change made within that margin must not hide behind the token;
	 * {@link Long#MIN_VALUE} for a token stamped further in the future than the skew, whose claims never count.
	 */
	public static long judgedIssuedAt(long iat, long now, long skewMillis) {
		return (iat > now + skewMillis) ? Long.MIN_VALUE : iat - skewMillis;
	}

	/**
	 * @param iat the claim's token's {@code iat}
	 * @param now the time now
	 * @param skewMillis the token clock skew
	 * @param coveredFrom claims in tokens issued from this time on may count: the change feed was heard from then
	 * ({@link Long#MAX_VALUE}: none may)
	 * @param latestChange the latest change recorded for the claim's keys
	 * @param maximumAgeMillis how old a claim may be ({@link Long#MAX_VALUE} while change events are heard)
	 */
	public static boolean claimCounts(long iat, long now, long skewMillis, long coveredFrom, long latestChange,
			long maximumAgeMillis) {
		long judged = judgedIssuedAt(iat, now, skewMillis);
		return judged != Long.MIN_VALUE && iat >= coveredFrom && latestChange <= judged && now - iat <= maximumAgeMillis;
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
