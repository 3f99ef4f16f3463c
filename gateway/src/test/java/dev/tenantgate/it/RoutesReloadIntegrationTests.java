package dev.tenantgate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.tenantgate.filter.PolicyRouteHandlerMapping;
import dev.tenantgate.role.db.SchemaPreset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * routes.yml changes take effect without a restart; a change that does not validate is refused and the rules in
 * force stay.
 */
@ExtendWith(OutputCaptureExtension.class)
class RoutesReloadIntegrationTests extends GatewayIntegrationTestSupport {

	static Path routes;

	static String original;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		original = new ClassPathResource("routes-it.yml").getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
		routes = Files.createTempDirectory("tenantgate-routes").resolve("routes.yml");
		Files.writeString(routes, original);
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE, "tenantgate.routes-file=file:" + routes,
				"tenantgate.routes-reload-interval=200ms");
	}

	@Autowired
	RoutePredicateHandlerMapping handlerMapping;

	// issue-27: the application's route look-up is the index of routes.yml, in force from start-up and after reloads
	@Test
	void routesAreFoundInTheIndexOfRoutesYml() {
		org.assertj.core.api.Assertions.assertThat(this.handlerMapping)
			.isInstanceOfSatisfying(PolicyRouteHandlerMapping.class,
					(mapping) -> org.assertj.core.api.Assertions.assertThat(mapping.isIndexed()).isTrue());
	}

	@Test
	void newRouteTakesEffectAndAnInvalidChangeIsRefused(CapturedOutput output) {
		this.client.get().uri("/api/health").exchange().expectStatus().isNotFound();

		write(original + """
				  - id: health
				    uri: http://127.0.0.1:${test.downstream.port}
				    path: /api/health
				    rules:
				      GET: { public: true }
				""");
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> this.client.get().uri("/api/health").exchange().expectStatus().isOk());

		write(original + """
				  - id: health
				    uri: http://127.0.0.1:${test.downstream.port}
				    path: /api/health
				    rules:
				      GET: { publik: true }
				""");
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("Refused the new file:" + routes));
		this.client.get().uri("/api/health").exchange().expectStatus().isOk();
		org.assertj.core.api.Assertions.assertThat(output.getOut()).contains("unknown key 'publik'");
		org.assertj.core.api.Assertions.assertThat(((PolicyRouteHandlerMapping) this.handlerMapping).isIndexed())
			.isTrue();
	}

	private static void write(String content) {
		try {
			Files.writeString(routes, content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
