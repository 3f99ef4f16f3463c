package dev.tenantgate.config;

import dev.tenantgate.audit.RequestTags;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayHttpTagsProvider;

/**
 * Replaces Spring Cloud Gateway's {@link GatewayHttpTagsProvider} (registered unconditionally, so no bean of ours can
 * stand in for it) with {@link RequestTags}, which tags a custom method as {@code OTHER}. Only the framework's own
 * class is replaced, not a subclass of it.
 */
final class RequestTagsTakeover implements BeanFactoryPostProcessor {

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
		for (String name : beanFactory.getBeanNamesForType(GatewayHttpTagsProvider.class, true, false)) {
			if (beanFactory.getType(name, false) == GatewayHttpTagsProvider.class) {
				registry.removeBeanDefinition(name);
				registry.registerBeanDefinition(name, new RootBeanDefinition(RequestTags.class));
			}
		}
	}

}
