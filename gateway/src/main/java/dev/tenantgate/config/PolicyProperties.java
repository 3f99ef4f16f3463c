package dev.tenantgate.config;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Routes, identity headers and error responses ({@code tenantgate.*}).
 *
 * @param routesFile where {@code routes.yml} is, a Spring resource location
 * @param routesReloadInterval how often a {@code file:} routes file is checked for changes; 0 turns reloading off
 * @param indexedRouteLookup whether a request's route is found with one look-up in an index of the routes' paths, at a
 * cost that does not grow with the number of routes (the route that Spring Cloud Gateway's own look-up finds by trying
 * the routes one by one); false leaves the look-up to Spring Cloud Gateway
 * @param maxPathLength the longest request path accepted, in characters
 * @param realm the {@code realm} of the {@code WWW-Authenticate} challenge
 * @param retryAfter the {@code Retry-After} sent with 503 responses
 * @param headers the trusted identity headers
 * @param logAllowed whether allowed requests get a decision log line too (refusals always do)
 */
@Validated
@ConfigurationProperties("tenantgate")
public record PolicyProperties(@DefaultValue("file:routes.yml") @NotBlank String routesFile,
		@DefaultValue("2s") Duration routesReloadInterval, @DefaultValue("true") boolean indexedRouteLookup,
		@DefaultValue("2048") @Min(16) int maxPathLength, @DefaultValue("tenantgate") String realm,
		@DefaultValue("5s") Duration retryAfter, @DefaultValue @Valid Headers headers,
		@DefaultValue("false") boolean logAllowed) {

	/**
	 * @param userId header carrying the user id
	 * @param organizationId header carrying the tenant
	 * @param orgRole header carrying the member roles (comma-separated)
	 * @param platformRole header carrying the platform roles (comma-separated)
	 * @param stripNames header names that are also removed from client requests (a list set here replaces the
	 * defaults): by default the method and URL override headers, which frameworks behind the gateway honour (Rails,
	 * Laravel, Express's method-override, ASP.NET, IIS, Symfony) to run a method or a path the gateway never
	 * authorized
	 * @param stripPrefixes header name prefixes that are also removed from client requests
	 */
	public record Headers(@DefaultValue("X-User-Id") @NotBlank String userId,
			@DefaultValue("X-Organization-Id") @NotBlank String organizationId,
			@DefaultValue("X-Org-Role") @NotBlank String orgRole,
			@DefaultValue("X-Platform-Role") @NotBlank String platformRole,
			@DefaultValue({ "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X-Original-URL",
					"X-Rewrite-URL" }) List<String> stripNames,
			@DefaultValue("X-Tenantgate-") List<String> stripPrefixes) {
	}

}
