package dev.tenantgate.role.db;

/**
 * The two table layouts a Better Auth deployment commonly has.
 */
public enum SchemaPreset {

	/** Plural table names and snake_case columns, mapped in Better Auth with {@code modelName}/{@code fields}. */
	PLURAL_SNAKE(new SchemaMapping("users", "id", "role", "banned", "ban_expires", "members", "user_id",
			"organization_id", "role")),

	/** Better Auth's own defaults: singular tables and camelCase columns. */
	BETTER_AUTH_DEFAULT(new SchemaMapping("user", "id", "role", "banned", "banExpires", "member", "userId",
			"organizationId", "role"));

	private final SchemaMapping mapping;

	SchemaPreset(SchemaMapping mapping) {
		this.mapping = mapping;
	}

	public SchemaMapping mapping() {
		return this.mapping;
	}

}
