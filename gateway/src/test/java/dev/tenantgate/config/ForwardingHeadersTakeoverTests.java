package dev.tenantgate.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardingHeadersTakeoverTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withBean(ForwardingHeadersTakeover.class, ForwardingHeadersTakeover::new);

	@Test
	void withoutTrustedProxiesTheGatewaysRemovalFiltersAreTakenOver() {
		this.runner.withUserConfiguration(UntrustedProxies.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RemoveForwardedHeadersFilter.class)
				.doesNotHaveBean(RemoveXForwardedHeadersFilter.class);
			ForwardingHeadersTakeover.StrippedForwardingHeaders stripped = context
				.getBean(ForwardingHeadersTakeover.StrippedForwardingHeaders.class);
			assertThat(stripped.names()).containsExactly("Forwarded");
			assertThat(stripped.prefixes()).containsExactly("X-Forwarded-");
		});
	}

	@Test
	void withTrustedProxiesTheGatewaysForwardingFiltersStayAndNothingIsStripped() {
		this.runner.withUserConfiguration(TrustedProxies.class).run((context) -> {
			assertThat(context).hasSingleBean(ForwardedHeadersFilter.class)
				.hasSingleBean(XForwardedHeadersFilter.class);
			ForwardingHeadersTakeover.StrippedForwardingHeaders stripped = context
				.getBean(ForwardingHeadersTakeover.StrippedForwardingHeaders.class);
			assertThat(stripped.names()).isEmpty();
			assertThat(stripped.prefixes()).isEmpty();
		});
	}

	@Test
	void onlyWhatTheGatewayWouldRemoveIsTakenOver() {
		this.runner.withUserConfiguration(OnlyXForwardedUntrusted.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RemoveXForwardedHeadersFilter.class)
				.hasSingleBean(ForwardedHeadersFilter.class);
			ForwardingHeadersTakeover.StrippedForwardingHeaders stripped = context
				.getBean(ForwardingHeadersTakeover.StrippedForwardingHeaders.class);
			assertThat(stripped.names()).isEmpty();
			assertThat(stripped.prefixes()).containsExactly("X-Forwarded-");
		});
	}

	/** What Spring Cloud Gateway registers when no proxy is trusted (the default). */
	@Configuration(proxyBeanMethods = false)
	static class UntrustedProxies {

		@Bean
		RemoveForwardedHeadersFilter removeForwardedHeadersFilter() {
			return new RemoveForwardedHeadersFilter();
		}

		@Bean
		RemoveXForwardedHeadersFilter removeXForwardedHeadersFilter() {
			return new RemoveXForwardedHeadersFilter();
		}

	}

	/** What it registers with {@code trusted-proxies} set. */
	@Configuration(proxyBeanMethods = false)
	static class TrustedProxies {

		@Bean
		ForwardedHeadersFilter forwardedHeadersFilter() {
			return new ForwardedHeadersFilter("127\\.0\\.0\\.1");
		}

		@Bean
		XForwardedHeadersFilter xForwardedHeadersFilter() {
			return new XForwardedHeadersFilter("127\\.0\\.0\\.1");
		}

	}

	/** With trusted proxies and {@code x-forwarded.enabled=false}: Forwarded is processed, X-Forwarded removed. */
	@Configuration(proxyBeanMethods = false)
	static class OnlyXForwardedUntrusted {

		@Bean
		ForwardedHeadersFilter forwardedHeadersFilter() {
			return new ForwardedHeadersFilter("127\\.0\\.0\\.1");
		}

		@Bean
		RemoveXForwardedHeadersFilter removeXForwardedHeadersFilter() {
			return new RemoveXForwardedHeadersFilter();
		}

	}

}
