package dev.tenantgate;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;

import dev.tenantgate.config.StartDevMode;
import dev.tenantgate.dev.EmbeddedDatabase;
import dev.tenantgate.policy.RoutesLinter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * tenantgate: a Spring Cloud Gateway that authorizes every request against Better Auth identities.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TenantgateApplication {

	/**
	 * Runs the gateway. {@code start-dev} runs it with everything it needs in one process (an embedded PostgreSQL
	 * with demo data, a token issuer, an echo downstream; no Redis, no NATS). {@code lint [routes.yml]} checks a
	 * routes file and exits (0 clean, 1 invalid, 2 warnings).
	 */
	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals("lint")) {
			System.exit(RoutesLinter.run(args, System.out));
		}
		if (args.length > 0 && args[0].equals("start-dev")) {
			startDev(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		SpringApplication.run(TenantgateApplication.class, args);
	}

	static ConfigurableApplicationContext startDev(String[] args) {
		EmbeddedDatabase database = EmbeddedDatabase.start();
		SpringApplication application = new SpringApplication(TenantgateApplication.class);
		application.setAdditionalProfiles("dev");
		StartDevMode.enable(application);
		ConfigurableApplicationContext context = application.run(
				Stream.concat(Stream.of("--spring.r2dbc.url=" + database.r2dbcUrl()), Arrays.stream(args))
					.toArray(String[]::new));
		context.addApplicationListener((ContextClosedEvent event) -> close(database));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> close(database)));
		return context;
	}

	private static void close(EmbeddedDatabase database) {
		try {
			database.close();
		}
		catch (IOException ex) {
			// the process is ending; the database's temporary directory is removed by the OS
		}
	}

}
