package dev.tenantgate.role.db;

/**
 * The database does not have the tables or columns that the schema mapping names.
 */
public final class SchemaMismatchException extends IllegalStateException {

	public SchemaMismatchException(String message) {
		super(message);
	}

}
