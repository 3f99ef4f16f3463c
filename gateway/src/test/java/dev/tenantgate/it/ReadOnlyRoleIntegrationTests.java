package dev.tenantgate.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code config/readonly-role.sql} run against a fresh Better Auth database: the role it creates can read the
 * tables the gateway needs and nothing else, and cannot write, even once it turns its read-only default off. The
 * gateway itself runs as that role here (schema check, role lookups).
 */
@DirtiesContext
class ReadOnlyRoleIntegrationTests extends GatewayIntegrationTestSupport {

	static final String READER = "tenantgate_reader";

	// Only for servers that check passwords (the local test server trusts local connections).
	static final String READER_PASSWORD = "reader-" + TestDatabase.newId();

	static final Path SCRIPT = Path.of("../config/readonly-role.sql");

	@Autowired
	DatabaseClient gatewayDatabase;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
		database.execute(script());
		database.execute("ALTER ROLE " + READER + " PASSWORD '" + READER_PASSWORD + "'");
		registry.add("spring.r2dbc.username", () -> READER);
		registry.add("spring.r2dbc.password", () -> READER_PASSWORD);
	}

	@Test
	void scriptCanBeRunAgain() {
		database.execute(script());
	}

	@Test
	void gatewayRunningAsTheReaderResolvesRoles() {
		String org = fixtures.organization();
		String staff = fixtures.user("user");
		String viewer = fixtures.user("user");
		fixtures.member(staff, org, "staff");
		fixtures.member(viewer, org, "viewer");
		this.client.post()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.ed25519((c) -> c.subject(staff).claim("organizationId", org))))
			.exchange()
			.expectStatus()
			.isOk();
		this.client.post()
			.uri("/api/orgs/" + org + "/orders")
			.header(HttpHeaders.AUTHORIZATION, bearer(tokens.ed25519((c) -> c.subject(viewer).claim("organizationId", org))))
			.exchange()
			.expectStatus()
			.isForbidden();
		assertThat(this.gatewayDatabase.sql("SELECT current_user")
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10))).isEqualTo(READER);
		Throwable write = catchThrowable(() -> this.gatewayDatabase.sql("UPDATE members SET role = 'owner'")
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(10)));
		assertThat(ReadOnlySessionIntegrationTests.sqlState(write)).as("%s", write).isIn("25006", "42501");
	}

	@Test
	void readerSelectsTheTablesTheGatewayReads() throws SQLException {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "staff");
		try (Connection reader = connectAsReader(); Statement statement = reader.createStatement()) {
			assertThat(count(statement, "SELECT count(*) FROM users WHERE id = '" + user + "'")).isOne();
			assertThat(count(statement, "SELECT count(*) FROM members WHERE user_id = '" + user + "'")).isOne();
		}
	}

	@Test
	void readerSessionsAreReadOnlyByDefault() throws SQLException {
		try (Connection reader = connectAsReader(); Statement statement = reader.createStatement()) {
			assertSqlState(statement, "UPDATE members SET role = 'owner'", "25006");
			assertSqlState(statement, "DELETE FROM users", "25006");
		}
	}

	@Test
	void readerCannotWriteEvenWithReadOnlyTurnedOff() throws SQLException {
		String user = fixtures.user("user");
		try (Connection reader = connectAsReader(); Statement statement = reader.createStatement()) {
			statement.execute("SET default_transaction_read_only = off");
			statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
			for (String table : new String[] { "users", "members", "organizations" }) {
				assertSqlState(statement, "DELETE FROM " + table, "42501");
				assertSqlState(statement, "UPDATE " + table + " SET id = id", "42501");
				assertSqlState(statement, "TRUNCATE " + table, "42501");
			}
			assertSqlState(statement, "INSERT INTO users (id, name, email, email_verified) VALUES ('x', 'x', 'x', true)",
					"42501");
			assertSqlState(statement, "INSERT INTO members (id, organization_id, user_id, role, created_at) "
					+ "VALUES ('x', 'x', '" + user + "', 'owner', now())", "42501");
			assertSqlState(statement, "CREATE TABLE public.tenantgate_probe (id int)", "42501");
			assertSqlState(statement, "ALTER TABLE members ADD COLUMN probe int", "42501");
			assertSqlState(statement, "GRANT SELECT ON accounts TO " + READER, "42501");
		}
	}

	@Test
	void readerCannotReadSecrets() throws SQLException {
		try (Connection reader = connectAsReader(); Statement statement = reader.createStatement()) {
			for (String table : new String[] { "accounts", "sessions", "verifications", "jwks", "invitations" }) {
				assertSqlState(statement, "SELECT count(*) FROM " + table, "42501");
			}
		}
	}

	static Connection connectAsReader() throws SQLException {
		TestServices.Endpoints services = TestServices.require();
		return DriverManager.getConnection(services.jdbcUrl(database.name()), READER, READER_PASSWORD);
	}

	static long count(Statement statement, String sql) throws SQLException {
		try (ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	static void assertSqlState(Statement statement, String sql, String sqlState) {
		assertThatExceptionOfType(SQLException.class).as(sql)
			.isThrownBy(() -> statement.execute(sql))
			.satisfies((ex) -> assertThat(ex.getSQLState()).as("%s: %s", sql, ex.getMessage()).isEqualTo(sqlState));
	}

	static String script() {
		try {
			return Files.readString(SCRIPT);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
