package dev.tenantgate.audit;

import org.jspecify.annotations.Nullable;

/**
 * One authorization decision, as metrics and the decision log see it. Never holds the token.
 *
 * @param route the route id, or {@code null} when no route matched
 * @param method the HTTP method
 * @param allowed whether the request was allowed
 * @param code {@code ok}, or the failure code of the refusal
 * @param status the HTTP status of the decision (200 stands for "proxied")
 * @param userId the token's subject, once the token was verified
 * @param tenant the organization of the request
 * @param tier where the member role came from ({@code claim}, {@code local}, {@code redis}, {@code postgres})
 * @param shadow whether the route is in shadow mode (a refusal was logged but not enforced)
 * @param nanos how long the decision took
 */
public record Decision(@Nullable String route, String method, boolean allowed, String code, int status,
		@Nullable String userId, @Nullable String tenant, @Nullable String tier, boolean shadow, long nanos) {
}
