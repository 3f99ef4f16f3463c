package dev.tenantgate.role.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Checks at start-up that the mapped tables and columns exist, and says exactly what is missing. A missing index is
 * a warning that names it: the gateway works without it, only slower.
 */
public final class SchemaVerifier {

	private static final Log logger = LogFactory.getLog(SchemaVerifier.class);

	private final DatabaseClient database;

	private final SchemaMapping mapping;

	private final List<String> expectedIndexes;

	public SchemaVerifier(DatabaseClient database, SchemaMapping mapping, List<String> expectedIndexes) {
		this.database = database;
		this.mapping = mapping;
		this.expectedIndexes = List.copyOf(expectedIndexes);
	}

	/**
	 * Runs the checks, waiting at most {@code timeout}: this runs once, at start-up, never on a request.
	 * @throws SchemaMismatchException listing every missing table and column
	 */
	public void verify(Duration timeout) {
		List<String> missing = new ArrayList<>();
		for (Map.Entry<String, List<String>> table : this.mapping.requiredColumns().entrySet()) {
			Set<String> columns = new HashSet<>(this.database
				.sql("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1")
				.bind(0, table.getKey())
				.map((row) -> row.get(0, String.class))
				.all()
				.collectList()
				.block(timeout));
			if (columns.isEmpty()) {
				missing.add("table \"" + table.getKey() + "\"");
				continue;
			}
			for (String column : table.getValue()) {
				if (!columns.contains(column)) {
					missing.add("column \"" + table.getKey() + "\".\"" + column + "\"");
				}
			}
		}
		if (!missing.isEmpty()) {
			throw new SchemaMismatchException("The Better Auth schema does not match tenantgate.schema (preset and "
					+ "overrides): missing " + String.join(", ", missing)
					+ ". Set tenantgate.schema.preset to the deployment's layout, or map the names one by one.");
		}
		Set<String> indexes = new HashSet<>(this.database
			.sql("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(timeout));
		for (String index : this.expectedIndexes) {
			if (!indexes.contains(index)) {
				logger.warn("Index " + index + " is missing: role lookups will be slower. config/indexes.sql creates it.");
			}
		}
		logger.info("Better Auth schema checked: tables " + this.mapping.usersTable() + " and "
				+ this.mapping.membersTable() + " have the mapped columns");
	}

}
