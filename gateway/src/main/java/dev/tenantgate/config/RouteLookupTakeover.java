package dev.tenantgate.config;

import dev.tenantgate.filter.PolicyRouteHandlerMapping;
import dev.tenantgate.filter.PolicyRouteLocator;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

/**
 * Takes over Spring Cloud Gateway's route look-up: the definition of its {@link RoutePredicateHandlerMapping} is
 * replaced by a {@link PolicyRouteHandlerMapping}, built from the same beans (and given the API version strategy
 * when there is one, as the framework's definition does), which finds the route in the index of {@code routes.yml}'s
 * paths rather than by trying the routes one by one. Only the framework's own class is taken over, not a subclass
 * of it. {@code tenantgate.indexed-route-lookup=false} ({@link PolicyProperties#indexedRouteLookup()}) leaves the
 * framework's definition as it is.
 */
final class RouteLookupTakeover implements BeanFactoryPostProcessor, EnvironmentAware {

	static final String PROPERTY = "tenantgate.indexed-route-lookup";

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		// Read before the properties records are bound (they are beans, made after this runs); bound the same way.
		if (this.environment != null && !Binder.get(this.environment).bind(PROPERTY, Boolean.class).orElse(true)) {
			return;
		}
		BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
		for (String name : beanFactory.getBeanNamesForType(RoutePredicateHandlerMapping.class, true, false)) {
			if (beanFactory.getType(name, false) != RoutePredicateHandlerMapping.class) {
				continue;
			}
			registry.removeBeanDefinition(name);
			RootBeanDefinition definition = new RootBeanDefinition(PolicyRouteHandlerMapping.class,
					() -> create(beanFactory));
			registry.registerBeanDefinition(name, definition);
		}
	}

	private static PolicyRouteHandlerMapping create(ConfigurableListableBeanFactory beanFactory) {
		PolicyRouteHandlerMapping mapping = new PolicyRouteHandlerMapping(beanFactory.getBean(FilteringWebHandler.class),
				beanFactory.getBean(RouteLocator.class), beanFactory.getBean(GlobalCorsProperties.class),
				beanFactory.getBean(Environment.class), beanFactory.getBean(PolicyRouteLocator.class));
		beanFactory.getBeanProvider(ApiVersionStrategy.class).ifAvailable(mapping::setApiVersionStrategy);
		return mapping;
	}

}
