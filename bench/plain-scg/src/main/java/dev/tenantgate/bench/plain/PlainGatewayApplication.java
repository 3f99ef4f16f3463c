package dev.tenantgate.bench.plain;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway with the benchmark's route and nothing else: what any gateway in front of the downstream
 * costs, the baseline tenantgate is compared with. The route is in {@code application.yml}.
 */
@SpringBootApplication
public class PlainGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(PlainGatewayApplication.class, args);
	}

}
