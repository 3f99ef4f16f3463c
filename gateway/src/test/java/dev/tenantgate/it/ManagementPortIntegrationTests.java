package dev.tenantgate.it;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.role.db.SchemaPreset;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator answers on the management port only (9000 by default; a random one here): on the traffic port its paths
 * are paths like any other, matched by no route. Health checks make no database call of their own.
 */
class ManagementPortIntegrationTests extends GatewayIntegrationTestSupport { // issue-26

	@Autowired
	ConnectionPool pool;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "spring.r2dbc.pool.initial-size=1",
				"spring.r2dbc.pool.max-size=2", "spring.r2dbc.pool.max-acquire-time=10s");
	}

	@Test
	void actuatorIsNotServedOnTheTrafficPort() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/dependencies",
				"/actuator/prometheus", "/actuator/info", "/actuator/env")) {
			this.client.get()
				.uri(path)
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.code")
				.isEqualTo("route_not_found");
		}
	}

	@Test
	void healthAndMetricsAreServedOnTheManagementPort() {
		this.management.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.postgres.details.circuitBreaker")
			.isEqualTo("CLOSED");
		this.management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("jvm_memory_used_bytes"));
	}

	@Test
	void healthChecksTakeNoConnectionFromTheLookupsPool() {
		this.management.get().uri("/actuator/health").exchange();
		// Every connection of the pool (max-size 2 here) is taken: a check that needed one would wait for it, up to
		// the pool's max-acquire-time (10 s here).
		List<Connection> held = Flux.range(0, 2).flatMap((i) -> this.pool.create()).collectList().block(Duration.ofSeconds(5));
		try {
			for (String path : List.of("/actuator/health", "/actuator/health/dependencies")) {
				long started = System.nanoTime();
				this.management.get()
					.uri(path)
					.exchange()
					.expectBody()
					.jsonPath("$.components.postgres.status")
					.isEqualTo("UP")
					.jsonPath("$.components.r2dbc")
					.doesNotExist();
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
				assertThat(this.pool.getMetrics().orElseThrow().pendingAcquireSize()).isZero();
			}
		}
		finally {
			Flux.fromIterable(held).flatMap(Connection::close).blockLast(Duration.ofSeconds(5));
		}
	}

}
