package dev.tenantgate.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * For {@code start-dev} only: a real PostgreSQL started from the binaries in a Maven Central jar, with Better Auth's
 * tables (the DDL its own migration generates, plural-snake preset), the gateway's indexes, and a few demo users,
 * organizations and members. Runs once, before the application starts, so it may block.
 */
public final class EmbeddedDatabase implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private EmbeddedDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	public static EmbeddedDatabase start() {
		try {
			EmbeddedDatabase database = new EmbeddedDatabase(EmbeddedPostgres.builder().start());
			database.run(resource("db/plural-snake.sql") + "\n" + resource("dev/indexes.sql") + "\n"
					+ resource("dev/demo-data.sql"));
			return database;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL", ex);
		}
	}

	public String r2dbcUrl() {
		return "r2dbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/postgres";
	}

	private void run(String sql) {
		PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
			.builder()
			.host("127.0.0.1")
			.port(this.postgres.getPort())
			.username("postgres")
			.database("postgres")
			.build());
		Mono.usingWhen(factory.create(), (connection) -> Flux.from(connection.createStatement(sql).execute())
			.flatMap((result) -> result.getRowsUpdated())
			.then(), (connection) -> connection.close())
			.block(Duration.ofSeconds(30));
	}

	private static String resource(String path) {
		try (InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException(path + " is missing from the jar");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.postgres.close();
	}

}
