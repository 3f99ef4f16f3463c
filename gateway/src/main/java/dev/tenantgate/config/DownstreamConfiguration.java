package dev.tenantgate.config;

import dev.tenantgate.filter.SingleWriteResponseFilter;
import io.netty.channel.ChannelOption;
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
	 * The connect timeout, set once on the client. Spring Cloud Gateway applies its own
	 * ({@code httpclient.connect-timeout}) on every request, as a copy of the client's configuration.
	 */
	@Bean
	HttpClientCustomizer downstreamConnectTimeout(DownstreamProperties properties) {
		return (client) -> client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
				(int) properties.connectTimeout().toMillis());
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
