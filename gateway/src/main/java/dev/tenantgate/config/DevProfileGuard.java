package dev.tenantgate.config;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Stops a gateway started with the {@code dev} profile but not by {@code start-dev}: that profile points the JWKS at
 * the development issuer, which only {@code start-dev} runs, and which hands out tokens to anyone. Refusing to start,
 * saying why, beats a gateway that answers every request with 503 (or worse, trusts a development key).
 */
@Configuration(proxyBeanMethods = false)
@Profile("dev")
class DevProfileGuard {

	static final String MESSAGE = "The 'dev' profile belongs to the start-dev command (it points the JWKS at a "
			+ "development token issuer that signs tokens for anyone) and cannot be turned on by itself. Run "
			+ "'java -jar tenantgate-gateway.jar start-dev' for development, or remove 'dev' from "
			+ "spring.profiles.active (SPRING_PROFILES_ACTIVE).";

	@Bean
	static BeanFactoryPostProcessor devProfileOnlyWithStartDev() {
		return (beanFactory) -> {
			if (!StartDevMode.isEnabled(beanFactory)) {
				throw new IllegalStateException(MESSAGE);
			}
		};
	}

}
