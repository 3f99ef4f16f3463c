package dev.tenantgate.downstream;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopHttpClientFactoryTests {

	@Test
	void theDefaultElasticPoolBecomesAPoolPerEventLoop() {
		HttpClientProperties properties = new HttpClientProperties();
		ConnectionProvider provider = factory(properties).buildConnectionProvider(properties);
		assertThat(provider).isInstanceOf(EventLoopConnectionProvider.class);
		assertThat(provider.name()).isEqualTo(properties.getPool().getName());
		provider.disposeLater().block();
	}

	@Test
	void aFixedPoolStaysSharedSoThatItsLimitHoldsForAllEventLoops() {
		HttpClientProperties properties = new HttpClientProperties();
		properties.getPool().setType(HttpClientProperties.Pool.PoolType.FIXED);
		properties.getPool().setMaxConnections(10);
		ConnectionProvider provider = factory(properties).buildConnectionProvider(properties);
		assertThat(provider).isNotInstanceOf(EventLoopConnectionProvider.class);
		assertThat(provider.maxConnections()).isEqualTo(10);
		provider.disposeLater().block();
	}

	@Test
	void noPoolStaysNoPool() {
		HttpClientProperties properties = new HttpClientProperties();
		properties.getPool().setType(HttpClientProperties.Pool.PoolType.DISABLED);
		ConnectionProvider provider = factory(properties).buildConnectionProvider(properties);
		assertThat(provider).isNotInstanceOf(EventLoopConnectionProvider.class);
	}

	private static EventLoopHttpClientFactory factory(HttpClientProperties properties) {
		return new EventLoopHttpClientFactory(properties, new ServerProperties(),
				new HttpClientSslConfigurer(properties.getSsl(), new ServerProperties(), null), List.of());
	}

}
