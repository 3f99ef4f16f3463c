package dev.tenantgate;

import dev.tenantgate.policy.RoutesLinter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * tenantgate: a Spring Cloud Gateway that authorizes every request against Better Auth identities.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TenantgateApplication {

	/**
	 * Runs the gateway, or with {@code lint [routes.yml]} checks a routes file and exits (0 clean, 1 invalid, 2
	 * warnings).
	 */
	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("lint")) {
			System.exit(RoutesLinter.run(args, System.out));
		}
		SpringApplication.run(TenantgateApplication.class, args);
	}

}
