package dev.tenantgate.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import dev.tenantgate.audit.DecisionRecorder;
import dev.tenantgate.filter.IdentityHeaders;
import dev.tenantgate.filter.PolicyRouteLocator;
import dev.tenantgate.filter.RequestFirewallWebFilter;
import dev.tenantgate.filter.TenantAuthorizationFilter;
import dev.tenantgate.path.RequestPathNormalizer;
import dev.tenantgate.policy.RequestAuthorizer;
import dev.tenantgate.policy.RoutesFile;
import dev.tenantgate.policy.RoutesFileLoader;
import dev.tenantgate.problem.ProblemExceptionHandler;
import dev.tenantgate.problem.ProblemResponseWriter;
import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.token.BearerTokenExtractor;
import dev.tenantgate.token.JwtVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	RoutesFile routesFile(PolicyProperties properties, ResourceLoader resources, Environment environment)
			throws IOException {
		Resource resource = resources.getResource(properties.routesFile());
		if (!resource.exists()) {
			throw new IllegalStateException("tenantgate.routes-file " + properties.routesFile() + " does not exist");
		}
		try (InputStream in = resource.getInputStream()) {
			// ${NAME:default} placeholders let one file serve every environment; they never span lines, so the
			// line numbers in error messages stay true.
			String content = environment.resolveRequiredPlaceholders(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			return RoutesFileLoader.parse(content, properties.routesFile());
		}
	}

	@Bean
	PolicyRouteLocator policyRouteLocator(RoutesFile routesFile) {
		return new PolicyRouteLocator(routesFile);
	}

	@Bean
	IdentityHeaders identityHeaders(PolicyProperties properties) {
		PolicyProperties.Headers headers = properties.headers();
		return new IdentityHeaders(headers.userId(), headers.organizationId(), headers.orgRole(),
				headers.platformRole(), headers.stripPrefixes());
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
	RequestFirewallWebFilter requestFirewallWebFilter(PolicyProperties properties, IdentityHeaders identityHeaders,
			ProblemResponseWriter problems) {
		return new RequestFirewallWebFilter(new RequestPathNormalizer(properties.maxPathLength()), identityHeaders,
				problems);
	}

	@Bean
	RequestAuthorizer requestAuthorizer(RoleResolver roles, RoleProperties properties, Clock clock) {
		return new RequestAuthorizer(roles, properties.requireOrganizationClaim(), clock);
	}

	@Bean
	TenantAuthorizationFilter tenantAuthorizationFilter(BearerTokenExtractor tokens, JwtVerifier verifier,
			RequestAuthorizer authorizer, IdentityHeaders identityHeaders, ProblemResponseWriter problems,
			DecisionRecorder decisions) {
		return new TenantAuthorizationFilter(tokens, verifier, authorizer, identityHeaders, problems, decisions);
	}

	@Bean
	DecisionRecorder decisionRecorder(MeterRegistry registry, PolicyProperties properties) {
		return new DecisionRecorder(registry, properties.logAllowed());
	}

}
