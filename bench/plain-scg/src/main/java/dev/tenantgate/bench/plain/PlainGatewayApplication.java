package dev.tenantgate.bench.plain;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cloud Gateway with the benchmark's route and nothing else: what any gateway in front of the downstream
 * costs, the baseline tenantgate is compared with. The route is in {@code application.yml}. With
 * {@code bench.floor=true} it also runs {@link FloorAuthorizationFilter}, the least an authorizing filter does.
 */
@SpringBootApplication
public class PlainGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(PlainGatewayApplication.class, args);
	}

	@Bean
	@ConditionalOnProperty(name = "bench.floor", havingValue = "true")
	FloorAuthorizationFilter floorAuthorizationFilter() {
		return new FloorAuthorizationFilter();
	}

}
