package dev.tenantgate.role.db;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The start-up schema check against real Better Auth tables on PostgreSQL.
 */
class SchemaVerifierIntegrationTests {

	@Test
	void verifyWhenPresetMatchesThenPasses() {
		TestDatabase database = TestDatabase.create(TestServices.require(), "plural-snake");
		SchemaVerifier verifier = new SchemaVerifier(database.client(), SchemaPreset.PLURAL_SNAKE.mapping(),
				List.of("idx_members_user_org"));
		assertThatCode(() -> verifier.verify(Duration.ofSeconds(10))).doesNotThrowAnyException();
	}

	@Test
	void verifyWhenPresetDoesNotMatchThenNamesEveryMissingTableAndColumn() {
		TestDatabase database = TestDatabase.create(TestServices.require(), "better-auth-default");
		SchemaVerifier plural = new SchemaVerifier(database.client(), SchemaPreset.PLURAL_SNAKE.mapping(), List.of());
		assertThatThrownBy(() -> plural.verify(Duration.ofSeconds(10))).isInstanceOf(SchemaMismatchException.class)
			.hasMessageContaining("table \"users\"")
			.hasMessageContaining("table \"members\"");
		SchemaMapping wrongColumn = new SchemaMapping("user", "id", "role", "banned", "ban_expires", "member", "userId",
				"organizationId", "role");
		assertThatThrownBy(() -> new SchemaVerifier(database.client(), wrongColumn, List.of()).verify(Duration.ofSeconds(10)))
			.isInstanceOf(SchemaMismatchException.class)
			.hasMessageContaining("column \"user\".\"ban_expires\"");
	}

	@Test
	void databaseSessionsAreReadOnly() {
		TestDatabase database = TestDatabase.create(TestServices.require(), "plural-snake");
		TestServices.Endpoints services = TestServices.require();
		ConnectionFactory readOnly = ConnectionFactories.get(ConnectionFactoryOptions.parse(database.r2dbcUrl())
			.mutate()
			.option(ConnectionFactoryOptions.USER, services.pgUser())
			.option(ConnectionFactoryOptions.PASSWORD, services.pgPassword())
			.option(io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider.OPTIONS,
					java.util.Map.of("default_transaction_read_only", "on"))
			.build());
		assertThatThrownBy(() -> DatabaseClient.create(readOnly)
			.sql("INSERT INTO users (id, name, email, email_verified) VALUES ('x', 'x', 'x@x', true)")
			.then()
			.block(Duration.ofSeconds(10))).hasMessageContaining("read-only");
	}

}
