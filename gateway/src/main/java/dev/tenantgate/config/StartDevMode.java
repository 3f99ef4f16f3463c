package dev.tenantgate.config;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The mark of the {@code start-dev} command, the one way to turn on the development token issuer
 * ({@link DevConfiguration}). It is an object the command puts in the context, not a property or a profile: nothing
 * in the environment (a {@code SPRING_PROFILES_ACTIVE=dev}, a system property) can set it. The {@code dev} profile
 * without it stops the gateway at start-up ({@link DevProfileGuard}).
 */
public final class StartDevMode {

	static final String BEAN_NAME = "tenantgateStartDevMode";

	private StartDevMode() {
	}

	/** Marks {@code application} as started by {@code start-dev}. */
	public static void enable(SpringApplication application) {
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton(BEAN_NAME, new StartDevMode()));
	}

	static boolean isEnabled(ConfigurableListableBeanFactory beanFactory) {
		return beanFactory.containsSingleton(BEAN_NAME);
	}

	/** Matches in a context started by {@code start-dev} only. */
	static final class OnStartDev implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			return beanFactory != null && isEnabled(beanFactory);
		}

	}

}
