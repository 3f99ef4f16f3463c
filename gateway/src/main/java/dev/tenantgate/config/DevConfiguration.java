package dev.tenantgate.config;

import java.time.Clock;

import dev.tenantgate.dev.DevTokenIssuer;
import dev.tenantgate.dev.EchoServer;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.Roles;
import dev.tenantgate.role.db.BetterAuthRepository;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code start-dev} only ({@link StartDevMode}, never a profile or a property): a token issuer with its own JWKS, an
 * echo downstream, and the curl commands to try. Never active otherwise: the issuer hands out tokens to anyone who
 * asks.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(StartDevMode.OnStartDev.class)
class DevConfiguration {

	private static final Log logger = LogFactory.getLog(DevConfiguration.class);

	@Bean
	DevTokenIssuer devTokenIssuer(TokenProperties properties, Clock clock) {
		logger.warn("*** DEVELOPMENT MODE: /dev/token hands out signed tokens to anyone. Never run start-dev in "
				+ "production. ***");
		return new DevTokenIssuer(properties.issuer(), clock);
	}

	@Bean
	EchoServer echoServer(@Value("${tenantgate.dev.echo-port:9001}") int port) {
		return new EchoServer(port);
	}

	/**
	 * {@code GET /dev/jwks}, and {@code GET /dev/token?user=vera&org=acme}: a token whose claims are read from the
	 * database at issue time, as Better Auth's {@code definePayload} would ({@code claims=false} leaves out the role
	 * claims, so the gateway has to look them up).
	 */
	@Bean
	RouterFunction<ServerResponse> devTokenEndpoints(DevTokenIssuer issuer, BetterAuthRepository database) {
		return RouterFunctions.route()
			.GET("/dev/jwks", (request) -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(issuer.jwks()))
			.GET("/dev/token", (request) -> {
				String user = request.queryParam("user").orElse("vera");
				String org = request.queryParam("org").orElse(null);
				boolean claims = !"false".equals(request.queryParam("claims").orElse("true"));
				Mono<String> orgRole = (org != null && claims)
						? database.membership(new MembershipKey(user, org)).map((m) -> Roles.join(m.roles()))
						: Mono.just("");
				Mono<String> platformRole = claims ? database.user(user).map((u) -> Roles.join(u.roles()))
						: Mono.just("");
				return Mono.zip(orgRole, platformRole)
					.flatMap((roles) -> ServerResponse.ok()
						.contentType(MediaType.TEXT_PLAIN)
						.bodyValue(issuer.token(user, org, blankToNull(roles.getT1()), blankToNull(roles.getT2()))));
			})
			.build();
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> devBanner(@Value("${server.port:8080}") int port) {
		return (event) -> {
			String base = "http://localhost:" + port;
			String management = "http://localhost:" + event.getApplicationContext()
				.getEnvironment()
				.getProperty("local.management.port", event.getApplicationContext()
					.getEnvironment()
					.getProperty("management.server.port", String.valueOf(port)));
			String vera = "$(curl -s '" + base + "/dev/token?user=vera&org=acme')";
			logger.info("""

					tenantgate is running in development mode on %1$s (embedded PostgreSQL, no Redis, no NATS).
					Demo: organizations acme and globex; alice (acme owner), bob (acme staff), vera (acme viewer),
					gus (globex owner), paula (platform admin), bart (banned). Try:

					  # allowed: vera is a viewer of acme and may read its orders (the echo shows the identity headers)
					  curl -s %1$s/api/orgs/acme/orders -H "Authorization: Bearer %2$s"

					  # tenant mismatch (403): vera's token is for acme, the path is globex
					  curl -s %1$s/api/orgs/globex/orders -H "Authorization: Bearer %2$s"

					  # role denied (403): viewers may not create orders
					  curl -s -X POST %1$s/api/orgs/acme/orders -H "Authorization: Bearer %2$s"

					Health and metrics are on the management port, never on %1$s:
					  curl -s %3$s/actuator/health
					  curl -s %3$s/actuator/prometheus
					""".formatted(base, vera, management));
		};
	}

	private static String blankToNull(String value) {
		return value.isEmpty() ? null : value;
	}

}
