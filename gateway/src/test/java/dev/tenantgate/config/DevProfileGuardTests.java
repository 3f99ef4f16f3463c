package dev.tenantgate.config;

import dev.tenantgate.TenantgateApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The {@code dev} profile alone turns on no development token issuer: the gateway refuses to start, saying why.
 * {@code start-dev} itself is {@code StartDevIntegrationTests}.
 */
class DevProfileGuardTests { // issue-26

	@Test
	void runWhenDevProfileWithoutStartDevThenRefusesToStartSayingWhy() {
		SpringApplication application = new SpringApplication(TenantgateApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		assertThatIllegalStateException()
			.isThrownBy(() -> application.run("--spring.profiles.active=dev", "--server.port=0",
					"--management.server.port=0", "--tenantgate.nats.enabled=false"))
			.withMessage(DevProfileGuard.MESSAGE);
	}

}
