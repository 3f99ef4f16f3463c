package dev.tenantgate.it;

import java.time.Duration;

import dev.tenantgate.role.db.SchemaPreset;
import dev.tenantgate.support.TestDatabase;
import io.r2dbc.spi.R2dbcException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The gateway's own database sessions are read-only, whatever role it logs in as: here it logs in as the superuser
 * the tests use, and every write through its {@link DatabaseClient} is still refused by PostgreSQL with SQLSTATE
 * 25006 (read_only_sql_transaction).
 */
@DirtiesContext
class ReadOnlySessionIntegrationTests extends GatewayIntegrationTestSupport {

	@Autowired
	DatabaseClient gatewayDatabase;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registerGateway(registry, SchemaPreset.PLURAL_SNAKE);
	}

	@Test
	void writesThroughTheGatewaysDatabaseClientAreRefused() {
		String org = fixtures.organization();
		String user = fixtures.user("user");
		fixtures.member(user, org, "viewer");

		assertThat(this.gatewayDatabase.sql("SELECT role FROM members WHERE user_id = $1")
			.bind(0, user)
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10))).isEqualTo("viewer");
		assertReadOnly("INSERT INTO organizations (id, name, slug, created_at) VALUES ('" + TestDatabase.newId()
				+ "', 'x', '" + TestDatabase.newId() + "', now())");
		assertReadOnly("UPDATE members SET role = 'owner' WHERE user_id = '" + user + "'");
		assertReadOnly("DELETE FROM users WHERE id = '" + user + "'");
		assertReadOnly("CREATE TABLE tenantgate_probe (id int)");

		assertThat(this.gatewayDatabase.sql("SHOW transaction_read_only")
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10))).isEqualTo("on");
		assertThat(this.gatewayDatabase.sql("SELECT role FROM members WHERE user_id = $1")
			.bind(0, user)
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10))).as("the row is unchanged").isEqualTo("viewer");
	}

	void assertReadOnly(String sql) {
		Throwable thrown = catchThrowable(
				() -> this.gatewayDatabase.sql(sql).fetch().rowsUpdated().block(Duration.ofSeconds(10)));
		assertThat(thrown).as(sql).isNotNull();
		assertThat(sqlState(thrown)).as("%s: %s", sql, thrown).isEqualTo("25006");
	}

	static String sqlState(Throwable thrown) {
		for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException r2dbc) {
				return r2dbc.getSqlState();
			}
		}
		return null;
	}

}
