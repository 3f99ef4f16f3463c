package dev.tenantgate.config;

import java.util.Locale;

import dev.tenantgate.filter.TrustedProxyWebFilter;
import dev.tenantgate.problem.ProblemResponseWriter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Forwarding headers are trusted only from {@code spring.cloud.gateway.server.webflux.trusted-proxies}, whatever the
 * platform. Spring Boot's own handling ({@code server.forward-headers-strategy}) trusts them from every client, and
 * turns itself on when it detects a cloud platform (Kubernetes): tenantgate sets it to {@code none} and refuses to
 * start with {@code native} or {@code framework}.
 */
@Configuration(proxyBeanMethods = false)
class ForwardedHeadersConfiguration {

	static final String STRATEGY = "server.forward-headers-strategy";

	ForwardedHeadersConfiguration(Environment environment) {
		String strategy = environment.getProperty(STRATEGY, "none").strip().toLowerCase(Locale.ROOT);
		if (!strategy.equals("none")) {
			throw new IllegalStateException(STRATEGY + "=" + strategy + " trusts Forwarded and X-Forwarded-* headers "
					+ "from every client; tenantgate trusts them only from the proxies that " + TrustedProxies.PROPERTY
					+ " names: remove " + STRATEGY + " (or set it to none) and set " + TrustedProxies.PROPERTY);
		}
	}

	@Bean
	@TrustedProxies.ConditionalOnPropertyExists
	TrustedProxyWebFilter trustedProxyWebFilter(Environment environment, ProblemResponseWriter problems) {
		return new TrustedProxyWebFilter(TrustedProxies.from(environment.getRequiredProperty(TrustedProxies.PROPERTY)),
				problems);
	}

}
