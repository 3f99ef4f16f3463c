package dev.tenantgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * tenantgate: a Spring Cloud Gateway that authorizes every request against Better Auth identities.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TenantgateApplication {

	public static void main(String[] args) {
		SpringApplication.run(TenantgateApplication.class, args);
	}

}
