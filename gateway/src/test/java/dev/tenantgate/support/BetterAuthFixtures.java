package dev.tenantgate.support;

import java.sql.Timestamp;
import java.time.Instant;

import dev.tenantgate.role.db.SchemaMapping;
import dev.tenantgate.role.db.SchemaPreset;

/**
 * Writes users, organizations and members the way Better Auth's adapter does, into a {@link TestDatabase} of
 * either preset.
 */
public final class BetterAuthFixtures {

	private final TestDatabase database;

	private final SchemaMapping names;

	private final boolean snake;

	public BetterAuthFixtures(TestDatabase database, SchemaPreset preset) {
		this.database = database;
		this.names = preset.mapping();
		this.snake = preset == SchemaPreset.PLURAL_SNAKE;
	}

	/** Inserts a user with platform role {@code role} (comma-separated allowed) and returns its id. */
	public String user(String role) {
		return user(role, false, null);
	}

	public String user(String role, boolean banned, Instant banExpires) {
		String id = TestDatabase.newId();
		this.database.update("INSERT INTO " + q(this.names.usersTable()) + " (id, name, email, " + col("emailVerified")
				+ ", " + q(this.names.userRole()) + ", " + q(this.names.userBanned()) + ", "
				+ q(this.names.userBanExpires()) + ") VALUES (?, ?, ?, true, ?, ?, ?)", id, "User " + id,
				id + "@example.test", role, banned, (banExpires != null) ? Timestamp.from(banExpires) : null);
		return id;
	}

	public String organization() {
		String id = TestDatabase.newId();
		this.database.update("INSERT INTO " + q(this.snake ? "organizations" : "organization") + " (id, name, slug, "
				+ col("createdAt") + ") VALUES (?, ?, ?, now())", id, "Org " + id, "org-" + id);
		return id;
	}

	public void member(String userId, String organizationId, String role) {
		this.database.update("INSERT INTO " + q(this.names.membersTable()) + " (id, " + q(this.names.memberUserId())
				+ ", " + q(this.names.memberOrganizationId()) + ", " + q(this.names.memberRole()) + ", "
				+ col("createdAt") + ") VALUES (?, ?, ?, ?, now())", TestDatabase.newId(), userId, organizationId, role);
	}

	public void setMemberRole(String userId, String organizationId, String role) {
		this.database.update("UPDATE " + q(this.names.membersTable()) + " SET " + q(this.names.memberRole())
				+ " = ? WHERE " + q(this.names.memberUserId()) + " = ? AND " + q(this.names.memberOrganizationId())
				+ " = ?", role, userId, organizationId);
	}

	private String col(String camel) {
		return q(this.snake ? camel.replaceAll("([A-Z])", "_$1").toLowerCase() : camel);
	}

	private static String q(String identifier) {
		return '"' + identifier + '"';
	}

}
