package dev.tenantgate.config;

import java.util.List;

import dev.tenantgate.downstream.EventLoopHttpClientFactory;
import dev.tenantgate.filter.SingleWriteResponseFilter;
import io.netty.channel.ChannelOption;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The proxied call: the HTTP client that calls the downstream services, and how their responses are written back.
 */
@Configuration(proxyBeanMethods = false)
class DownstreamConfiguration {

	/**
	 * The downstream HTTP client, built by Spring Cloud Gateway's factory from its {@code httpclient.*} properties
	 * (which then backs off); with a connection pool per event loop unless {@code pool-per-event-loop} is off.
	 */
	@Bean
	HttpClientFactory gatewayHttpClientFactory(DownstreamProperties downstream, HttpClientProperties properties,
			ServerProperties serverProperties, HttpClientSslConfigurer sslConfigurer,
			List<HttpClientCustomizer> customizers) {
		return downstream.poolPerEventLoop()
				? new EventLoopHttpClientFactory(properties, serverProperties, sslConfigurer, customizers)
				: new HttpClientFactory(properties, serverProperties, sslConfigurer, customizers);
	}

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
