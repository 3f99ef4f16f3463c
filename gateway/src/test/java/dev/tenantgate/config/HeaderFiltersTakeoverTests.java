package dev.tenantgate.config;

import dev.tenantgate.filter.ResponseHopByHopHeadersFilter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderFiltersTakeoverTests {

	private static final String HOP_BY_HOP_PROPERTIES = "spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withBean(HeaderFiltersTakeover.class, HeaderFiltersTakeover::new);

	@Test
	void withoutTrustedProxiesTheGatewaysRemovalFiltersAreTakenOver() {
		this.runner.withUserConfiguration(UntrustedProxies.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RemoveForwardedHeadersFilter.class)
				.doesNotHaveBean(RemoveXForwardedHeadersFilter.class);
			HeaderFiltersTakeover.TakenOverHeaderFilters takenOver = context
				.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class);
			assertThat(takenOver.names()).containsExactly("Forwarded");
			assertThat(takenOver.prefixes()).containsExactly("X-Forwarded-");
		});
	}

	@Test
	void withTrustedProxiesTheGatewaysForwardingFiltersStayAndNothingIsStripped() {
		this.runner.withUserConfiguration(TrustedProxies.class).run((context) -> {
			assertThat(context).hasSingleBean(ForwardedHeadersFilter.class)
				.hasSingleBean(XForwardedHeadersFilter.class);
			HeaderFiltersTakeover.TakenOverHeaderFilters takenOver = context
				.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class);
			assertThat(takenOver.names()).isEmpty();
			assertThat(takenOver.prefixes()).isEmpty();
		});
	}

	@Test
	void onlyWhatTheGatewayWouldRemoveIsTakenOver() {
		this.runner.withUserConfiguration(OnlyXForwardedUntrusted.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RemoveXForwardedHeadersFilter.class)
				.hasSingleBean(ForwardedHeadersFilter.class);
			HeaderFiltersTakeover.TakenOverHeaderFilters takenOver = context
				.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class);
			assertThat(takenOver.names()).isEmpty();
			assertThat(takenOver.prefixes()).containsExactly("X-Forwarded-");
		});
	}

	@Test
	void theHopByHopFilterKeepsItsConfigurationAndRunsOnResponsesOnly() {
		this.runner.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
			.withUserConfiguration(HopByHopAndGrpc.class)
			.withPropertyValues(HOP_BY_HOP_PROPERTIES + ".headers=Connection,X-Secret", HOP_BY_HOP_PROPERTIES + ".order=7")
			.run((context) -> {
				RemoveHopByHopHeadersFilter hopByHop = context.getBean(RemoveHopByHopHeadersFilter.class);
				assertThat(hopByHop).isInstanceOf(ResponseHopByHopHeadersFilter.class);
				assertThat(hopByHop.getHeaders()).containsExactlyInAnyOrder("connection", "x-secret");
				assertThat(hopByHop.getOrder()).isEqualTo(7);
				assertThat(hopByHop.supports(HttpHeadersFilter.Type.RESPONSE)).isTrue();
				assertThat(hopByHop.supports(HttpHeadersFilter.Type.REQUEST)).isFalse();
				assertThat(RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST)
					.as("the framework's shared default, which binding into its own filter clears and refills")
					.contains("keep-alive", "upgrade")
					.doesNotContain("X-Secret");
				assertThat(context).doesNotHaveBean(GRPCRequestHeadersFilter.class);
				assertThat(context.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class).grpcTrailers()).isTrue();
			});
	}

	@Test
	void withoutTheHopByHopFilterTheGrpcFilterIsLeftAlone() {
		this.runner.withUserConfiguration(OnlyGrpc.class).run((context) -> {
			assertThat(context).hasSingleBean(GRPCRequestHeadersFilter.class);
			assertThat(context.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class).grpcTrailers()).isFalse();
		});
	}

	@Test
	void aSubclassOfTheFrameworksFiltersIsSomeonesOwnAndLeftAlone() {
		this.runner.withUserConfiguration(OwnSubclasses.class).run((context) -> {
			assertThat(context.getBean(RemoveHopByHopHeadersFilter.class)).isInstanceOf(OwnHopByHop.class);
			assertThat(context).hasSingleBean(GRPCRequestHeadersFilter.class)
				.hasSingleBean(RemoveForwardedHeadersFilter.class);
			HeaderFiltersTakeover.TakenOverHeaderFilters takenOver = context
				.getBean(HeaderFiltersTakeover.TakenOverHeaderFilters.class);
			assertThat(takenOver.names()).isEmpty();
			assertThat(takenOver.grpcTrailers()).isFalse();
		});
	}

	/** What Spring Cloud Gateway registers on every server with HTTP/2 not switched off. */
	@Configuration(proxyBeanMethods = false)
	static class HopByHopAndGrpc {

		@Bean
		RemoveHopByHopHeadersFilter removeHopByHopHeadersFilter() {
			return new RemoveHopByHopHeadersFilter();
		}

		@Bean
		GRPCRequestHeadersFilter gRPCRequestHeadersFilter() {
			return new GRPCRequestHeadersFilter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OnlyGrpc {

		@Bean
		GRPCRequestHeadersFilter gRPCRequestHeadersFilter() {
			return new GRPCRequestHeadersFilter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnSubclasses {

		@Bean
		OwnHopByHop removeHopByHopHeadersFilter() {
			return new OwnHopByHop();
		}

		@Bean
		GRPCRequestHeadersFilter gRPCRequestHeadersFilter() {
			return new GRPCRequestHeadersFilter();
		}

		@Bean
		OwnRemoveForwarded removeForwardedHeadersFilter() {
			return new OwnRemoveForwarded();
		}

	}

	static class OwnHopByHop extends RemoveHopByHopHeadersFilter {

	}

	static class OwnRemoveForwarded extends RemoveForwardedHeadersFilter {

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
