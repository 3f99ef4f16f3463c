package dev.tenantgate.config;

import dev.tenantgate.filter.SingleWriteResponseFilter;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxied call: the HTTP client that calls the downstream services, and how their responses are written back.
 */
@Configuration(proxyBeanMethods = false)
class DownstreamConfiguration {

	@Bean
	SingleWriteResponseFilter singleWriteResponseFilter(DownstreamProperties properties) {
		return new SingleWriteResponseFilter((int) properties.singleWriteMaxSize().toBytes());
	}

	/**
	 * The response timeout as Reactor Netty's read timeout, a handler in the connection's pipeline that runs on the
	 * connection's own event loop. Spring Cloud Gateway's {@code Flux.timeout} schedules two timers per request on
	 * Reactor's parallel scheduler, another thread's queue (docs/benchmarks.md).
	 */
	@Bean
	HttpClientCustomizer downstreamResponseTimeout(DownstreamProperties properties) {
		return (client) -> properties.responseTimeout().isZero() ? client
				: client.responseTimeout(properties.responseTimeout());
	}

}
