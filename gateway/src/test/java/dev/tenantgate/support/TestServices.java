package dev.tenantgate.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Where the real PostgreSQL, Redis and NATS for the integration tests are.
 * <p>
 * {@code TENANTGATE_TEST_SERVICES=local} (what CI sets) uses the services on this machine, at
 * {@code TENANTGATE_TEST_PG_HOST}/{@code _PORT}, {@code TENANTGATE_TEST_REDIS_HOST}/{@code _PORT} and
 * {@code TENANTGATE_TEST_NATS_URL} (defaults: 127.0.0.1 and the standard ports), and fails if they are not there.
 * {@code testcontainers} starts them in Docker. Unset: local services when they are listening, else Docker when it is
 * available, else the integration tests are skipped.
 */
public final class TestServices {

	private static final String MODE = env("TENANTGATE_TEST_SERVICES", "auto");

	private static volatile Endpoints endpoints;

	private TestServices() {
	}

	/** Skips the calling test when no services can be had (never in CI, where the mode is {@code local}). */
	public static Endpoints require() {
		Endpoints found = endpoints();
		Assumptions.assumeTrue(found != null,
				"No PostgreSQL/Redis/NATS: set TENANTGATE_TEST_SERVICES=local or install Docker");
		return found;
	}

	private static synchronized Endpoints endpoints() {
		if (endpoints == null) {
			endpoints = resolve();
		}
		return endpoints;
	}

	private static Endpoints resolve() {
		Endpoints local = new Endpoints(env("TENANTGATE_TEST_PG_HOST", "127.0.0.1"),
				Integer.parseInt(env("TENANTGATE_TEST_PG_PORT", "5432")), env("TENANTGATE_TEST_PG_USER", "postgres"),
				env("TENANTGATE_TEST_PG_PASSWORD", ""), env("TENANTGATE_TEST_REDIS_HOST", "127.0.0.1"),
				Integer.parseInt(env("TENANTGATE_TEST_REDIS_PORT", "6379")),
				env("TENANTGATE_TEST_NATS_URL", "nats://127.0.0.1:4222"));
		switch (MODE) {
			case "local":
				return local;
			case "testcontainers":
				return containers();
			default:
				if (listening(local.pgHost(), local.pgPort()) && listening(local.redisHost(), local.redisPort())) {
					return local;
				}
				return DockerClientFactory.instance().isDockerAvailable() ? containers() : null;
		}
	}

	@SuppressWarnings("resource")
	private static Endpoints containers() {
		PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine");
		GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
		GenericContainer<?> nats = new GenericContainer<>("nats:2.10-alpine").withCommand("-js").withExposedPorts(4222);
		postgres.start();
		redis.start();
		nats.start();
		return new Endpoints(postgres.getHost(), postgres.getMappedPort(5432), postgres.getUsername(),
				postgres.getPassword(), redis.getHost(), redis.getMappedPort(6379),
				"nats://" + nats.getHost() + ":" + nats.getMappedPort(4222));
	}

	private static boolean listening(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

	/**
	 * The service addresses.
	 */
	public record Endpoints(String pgHost, int pgPort, String pgUser, String pgPassword, String redisHost,
			int redisPort, String natsUrl) {

		public String jdbcUrl(String database) {
			return "jdbc:postgresql://" + this.pgHost + ":" + this.pgPort + "/" + database;
		}

		public String r2dbcUrl(String database) {
			return "r2dbc:postgresql://" + this.pgHost + ":" + this.pgPort + "/" + database;
		}

	}

}
