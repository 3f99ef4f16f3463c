package dev.tenantgate.downstream;

import java.util.List;

import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Spring Cloud Gateway's {@link HttpClientFactory} (the same properties, customizers and TLS settings) with a
 * connection pool per event loop ({@link EventLoopConnectionProvider}) when the pool is elastic, the default. A
 * fixed pool ({@code pool.type: fixed}) bounds the connections of all event loops together, so it stays one shared
 * pool; so does {@code pool.type: disabled} (no pool).
 */
public final class EventLoopHttpClientFactory extends HttpClientFactory {

	public EventLoopHttpClientFactory(HttpClientProperties properties, ServerProperties serverProperties,
			HttpClientSslConfigurer sslConfigurer, List<HttpClientCustomizer> customizers) {
		super(properties, serverProperties, sslConfigurer, customizers);
	}

	@Override
	protected ConnectionProvider buildConnectionProvider(HttpClientProperties properties) {
		ConnectionProvider shared = super.buildConnectionProvider(properties);
		if (properties.getPool().getType() != HttpClientProperties.Pool.PoolType.ELASTIC) {
			return shared;
		}
		return new EventLoopConnectionProvider(shared, () -> super.buildConnectionProvider(properties));
	}

}
