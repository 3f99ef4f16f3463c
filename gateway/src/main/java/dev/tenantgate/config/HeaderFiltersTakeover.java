package dev.tenantgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.tenantgate.filter.IdentityHeaders;
import dev.tenantgate.filter.ResponseHopByHopHeadersFilter;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;

/**
 * Takes over from Spring Cloud Gateway the header filters that copy every header of every proxied request (or
 * response) to remove or add one or two: on requests, {@link IdentityHeaders} does the same in the one copy it makes
 * anyway.
 * <ul>
 * <li>{@link RemoveForwardedHeadersFilter} and {@link RemoveXForwardedHeadersFilter} (registered when no proxy in
 * front is trusted, {@code spring.cloud.gateway.server.webflux.trusted-proxies} unset, the default): their
 * definitions are removed. With trusted proxies the framework's forwarding filters stay as they are.</li>
 * <li>{@link RemoveHopByHopHeadersFilter}: its definition is replaced by a {@link ResponseHopByHopHeadersFilter},
 * bound to the same properties ({@code spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.*}), which
 * removes the same headers from responses in a cheaper copy, and leaves requests to {@link IdentityHeaders}.</li>
 * <li>{@link GRPCRequestHeadersFilter}, which adds {@code te: trailers} to gRPC requests after the hop-by-hop filter
 * removed the client's {@code te}: removed when the hop-by-hop filter is taken over (otherwise that filter, running
 * after tenantgate's, would remove the {@code te} added in its place).</li>
 * </ul>
 * Only the framework's own classes are taken over, not a subclass of them. What was taken over is registered as a
 * {@link TakenOverHeaderFilters}.
 */
final class HeaderFiltersTakeover implements BeanFactoryPostProcessor {

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
		List<String> forwarded = namesOf(beanFactory, RemoveForwardedHeadersFilter.class);
		List<String> xForwarded = namesOf(beanFactory, RemoveXForwardedHeadersFilter.class);
		List<String> hopByHop = namesOf(beanFactory, RemoveHopByHopHeadersFilter.class);
		List<String> grpc = hopByHop.isEmpty() ? List.of() : namesOf(beanFactory, GRPCRequestHeadersFilter.class);
		Stream.of(forwarded, xForwarded, grpc).flatMap(List::stream).forEach(registry::removeBeanDefinition);
		for (String name : hopByHop) {
			registry.removeBeanDefinition(name);
			registry.registerBeanDefinition(name, new RootBeanDefinition(ResponseHopByHopHeadersFilter.class));
		}
		beanFactory.registerSingleton("tenantgateTakenOverHeaderFilters",
				new TakenOverHeaderFilters(!forwarded.isEmpty(), !xForwarded.isEmpty(), !grpc.isEmpty()));
	}

	/** The definitions whose type is exactly {@code type} (a subclass is someone's own filter, left alone). */
	private static List<String> namesOf(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		List<String> names = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
			if (beanFactory.getType(name, false) == type) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * What tenantgate does in place of Spring Cloud Gateway's request header filters, besides the hop-by-hop headers
	 * (those are {@link ResponseHopByHopHeadersFilter#getHeaders()}).
	 *
	 * @param forwarded {@code Forwarded} is removed from requests
	 * @param xForwarded every {@code X-Forwarded-} header is removed from requests
	 * @param grpcTrailers gRPC requests get {@code te: trailers}
	 */
	record TakenOverHeaderFilters(boolean forwarded, boolean xForwarded, boolean grpcTrailers) {

		List<String> names() {
			return this.forwarded ? List.of("Forwarded") : List.of();
		}

		List<String> prefixes() {
			return this.xForwarded ? List.of("X-Forwarded-") : List.of();
		}

	}

}
