package dev.tenantgate.config;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tenantgate.audit.DecisionRecorder;
import dev.tenantgate.filter.HeaderHygiene;
import dev.tenantgate.filter.IdentityHeaders;
import dev.tenantgate.filter.IdentityHeadersFilter;
import dev.tenantgate.filter.PolicyRouteLocator;
import dev.tenantgate.filter.RequestFirewallWebFilter;
import dev.tenantgate.filter.ResponseHopByHopHeadersFilter;
import dev.tenantgate.filter.RoutesReloader;
import dev.tenantgate.filter.TenantAuthorizationFilter;
import dev.tenantgate.path.RequestPathNormalizer;
import dev.tenantgate.policy.OrganizationLookupBudget;
import dev.tenantgate.policy.RequestAuthorizer;
import dev.tenantgate.policy.RoutesFile;
import dev.tenantgate.policy.RoutesFileSource;
import dev.tenantgate.policy.RoutesLinter;
import dev.tenantgate.problem.ProblemExceptionHandler;
import dev.tenantgate.problem.ProblemResponseWriter;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.token.BearerTokenExtractor;
import dev.tenantgate.token.JwtVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Route policy, the filters and error rendering.
 */
@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

	private static final Log logger = LogFactory.getLog(PolicyConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	RoutesFileSource routesFileSource(PolicyProperties properties, ResourceLoader resources, Environment environment) {
		Resource resource = resources.getResource(properties.routesFile());
		return new RoutesFileSource(resource, properties.routesFile(), environment::resolveRequiredPlaceholders);
	}

	@Bean
	RoutesFile routesFile(RoutesFileSource source) throws IOException {
		RoutesFile routes = source.load();
		RoutesLinter.lint(routes, source.name()).forEach((warning) -> logger.warn("routes lint: " + warning));
		return routes;
	}

	@Bean
	RoutesReloader routesReloader(RoutesFileSource source, PolicyRouteLocator locator,
			ApplicationEventPublisher events, PolicyProperties properties) {
		return new RoutesReloader(source, locator, events, properties.routesReloadInterval());
	}

	@Bean
	PolicyRouteLocator policyRouteLocator(RoutesFile routesFile) {
		return new PolicyRouteLocator(routesFile);
	}

	/** Spring Cloud Gateway's header filters that copy every header: {@link IdentityHeaders} does their work. */
	@Bean
	static HeaderFiltersTakeover headerFiltersTakeover() {
		return new HeaderFiltersTakeover();
	}

	/** Spring Cloud Gateway's route look-up, which tries every route in turn: the index of the routes does it. */
	@Bean
	static RouteLookupTakeover routeLookupTakeover() {
		return new RouteLookupTakeover();
	}

	/** Spring Cloud Gateway's request meter tags, with custom methods as {@code OTHER}. */
	@Bean
	static RequestTagsTakeover requestTagsTakeover() {
		return new RequestTagsTakeover();
	}

	@Bean
	IdentityHeaders identityHeaders(PolicyProperties properties, HeaderFiltersTakeover.TakenOverHeaderFilters takenOver,
			ObjectProvider<ResponseHopByHopHeadersFilter> hopByHop) {
		PolicyProperties.Headers headers = properties.headers();
		List<String> names = new ArrayList<>(headers.stripNames());
		names.addAll(takenOver.names());
		hopByHop.orderedStream().forEach((filter) -> names.addAll(filter.getHeaders()));
		List<String> prefixes = new ArrayList<>(headers.stripPrefixes());
		prefixes.addAll(takenOver.prefixes());
		return new IdentityHeaders(headers.userId(), headers.organizationId(), headers.orgRole(),
				headers.platformRole(), new HeaderHygiene(names, prefixes, takenOver.grpcTrailers()));
	}

	@Bean
	ProblemResponseWriter problemResponseWriter(PolicyProperties properties) {
		return new ProblemResponseWriter(properties.realm(), properties.retryAfter());
	}

	@Bean
	@Order(ProblemExceptionHandler.ORDER)
	ProblemExceptionHandler problemExceptionHandler(ProblemResponseWriter problems) {
		return new ProblemExceptionHandler(problems);
	}

	@Bean
	RequestFirewallWebFilter requestFirewallWebFilter(PolicyProperties properties, ProblemResponseWriter problems) {
		return new RequestFirewallWebFilter(new RequestPathNormalizer(properties.maxPathLength()), problems);
	}

	@Bean
	IdentityHeadersFilter identityHeadersFilter(IdentityHeaders identityHeaders) {
		return new IdentityHeadersFilter(identityHeaders);
	}

	@Bean
	RequestAuthorizer requestAuthorizer(RoleResolver roles, RoleProperties properties, TokenProperties token,
			Clock clock) {
		RoleProperties.Claimless claimless = properties.claimless();
		if (!properties.requireOrganizationClaim()) {
			logger.warn("tenantgate.roles.require-organization-claim is false: a token without the "
					+ token.claims().organizationId() + " claim is let into the organizations where its user is a "
					+ "member, looked up in at most " + claimless.maximumOrganizations() + " organizations per user "
					+ "every " + claimless.window());
		}
		return new RequestAuthorizer(roles, properties.requireOrganizationClaim(), token.claims().organizationId(),
				new OrganizationLookupBudget(claimless.maximumOrganizations(), claimless.window(),
						claimless.maximumUsers(), Ticker.systemTicker()),
				clock);
	}

	@Bean
	TenantAuthorizationFilter tenantAuthorizationFilter(BearerTokenExtractor tokens, JwtVerifier verifier,
			RequestAuthorizer authorizer, ProblemResponseWriter problems, DecisionRecorder decisions) {
		return new TenantAuthorizationFilter(tokens, verifier, authorizer, problems, decisions);
	}

	@Bean
	DecisionRecorder decisionRecorder(MeterRegistry registry, PolicyProperties properties) {
		return new DecisionRecorder(registry, properties.logAllowed());
	}

}
