package dev.tenantgate.config;

import java.util.List;

import dev.tenantgate.filter.PolicyRouteHandlerMapping;
import dev.tenantgate.filter.PolicyRouteLocator;
import dev.tenantgate.policy.RoutesFile;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/** issue-27: Spring Cloud Gateway's handler mapping is replaced by the indexed one, unless switched off. */
class RouteLookupTakeoverTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withBean(RouteLookupTakeover.class, RouteLookupTakeover::new);

	@Test
	void theGatewaysHandlerMappingIsTakenOverByDefault() {
		this.runner.withUserConfiguration(GatewayBeans.class).run((context) -> {
			assertThat(context).hasNotFailed();
			RoutePredicateHandlerMapping mapping = context.getBean(RoutePredicateHandlerMapping.class);
			assertThat(mapping).isExactlyInstanceOf(PolicyRouteHandlerMapping.class);
			assertThat(mapping.getOrder()).isEqualTo(1);
			assertThat(context.getBeanNamesForType(RoutePredicateHandlerMapping.class))
				.containsExactly("routePredicateHandlerMapping");
		});
	}

	@Test
	void switchedOffTheGatewaysHandlerMappingStays() {
		this.runner.withUserConfiguration(GatewayBeans.class)
			.withPropertyValues("tenantgate.indexed-route-lookup=false")
			.run((context) -> assertThat(context.getBean(RoutePredicateHandlerMapping.class))
				.isExactlyInstanceOf(RoutePredicateHandlerMapping.class));
	}

	@Test
	void aSubclassOfTheGatewaysHandlerMappingIsLeftAlone() {
		this.runner.withUserConfiguration(OwnHandlerMapping.class)
			.run((context) -> assertThat(context.getBean(RoutePredicateHandlerMapping.class))
				.isExactlyInstanceOf(OwnHandlerMapping.Own.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Collaborators {

		@Bean
		FilteringWebHandler filteringWebHandler() {
			return new FilteringWebHandler(List.of(), true);
		}

		@Bean
		GlobalCorsProperties globalCorsProperties() {
			return new GlobalCorsProperties();
		}

		@Bean
		PolicyRouteLocator policyRouteLocator() {
			return new PolicyRouteLocator(new RoutesFile(List.of()));
		}

		@Bean
		@Primary
		RouteLocator cachedCompositeRouteLocator() {
			return Flux::empty;
		}

	}

	/** As Spring Cloud Gateway's auto-configuration declares its handler mapping. */
	@Configuration(proxyBeanMethods = false)
	static class GatewayBeans extends Collaborators {

		@Bean
		RoutePredicateHandlerMapping routePredicateHandlerMapping(FilteringWebHandler webHandler,
				RouteLocator routeLocator, GlobalCorsProperties cors, Environment environment) {
			return new RoutePredicateHandlerMapping(webHandler, routeLocator, cors, environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHandlerMapping extends Collaborators {

		@Bean
		Own routePredicateHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
				GlobalCorsProperties cors, Environment environment) {
			return new Own(webHandler, routeLocator, cors, environment);
		}

		static class Own extends RoutePredicateHandlerMapping {

			Own(FilteringWebHandler webHandler, RouteLocator routeLocator, GlobalCorsProperties cors,
					Environment environment) {
				super(webHandler, routeLocator, cors, environment);
			}

		}

	}

}
