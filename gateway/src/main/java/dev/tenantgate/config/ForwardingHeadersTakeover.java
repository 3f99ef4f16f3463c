package dev.tenantgate.config;

import java.util.List;

import dev.tenantgate.filter.IdentityHeaders;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;

/**
 * Takes over from Spring Cloud Gateway the removal of the client's forwarding headers ({@code Forwarded},
 * {@code X-Forwarded-*}), which it does when no proxy in front is trusted
 * ({@code spring.cloud.gateway.server.webflux.trusted-proxies} unset, the default). It does so with
 * {@link RemoveForwardedHeadersFilter} and {@link RemoveXForwardedHeadersFilter}, each of which copies every header of
 * every proxied request to drop one name. This removes their definitions, and {@link IdentityHeaders} drops the same
 * names (and their {@code _} spellings) in the one copy it makes anyway. What was taken over is registered as a
 * {@link StrippedForwardingHeaders}. With trusted proxies, Spring Cloud Gateway's forwarding filters stay as they are.
 */
final class ForwardingHeadersTakeover implements BeanFactoryPostProcessor {

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		boolean forwarded = remove(beanFactory, RemoveForwardedHeadersFilter.class);
		boolean xForwarded = remove(beanFactory, RemoveXForwardedHeadersFilter.class);
		beanFactory.registerSingleton("tenantgateStrippedForwardingHeaders",
				new StrippedForwardingHeaders(forwarded, xForwarded));
	}

	private static boolean remove(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		String[] names = beanFactory.getBeanNamesForType(type, true, false);
		for (String name : names) {
			((BeanDefinitionRegistry) beanFactory).removeBeanDefinition(name);
		}
		return names.length > 0;
	}

	/**
	 * The forwarding headers tenantgate removes from client requests in Spring Cloud Gateway's place.
	 *
	 * @param forwarded {@code Forwarded}
	 * @param xForwarded every {@code X-Forwarded-} header
	 */
	record StrippedForwardingHeaders(boolean forwarded, boolean xForwarded) {

		List<String> names() {
			return this.forwarded ? List.of("Forwarded") : List.of();
		}

		List<String> prefixes() {
			return this.xForwarded ? List.of("X-Forwarded-") : List.of();
		}

	}

}
