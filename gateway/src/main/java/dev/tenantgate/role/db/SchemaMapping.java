package dev.tenantgate.role.db;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where Better Auth's tables and columns are in this deployment. Better Auth renames per table and per field, so
 * every name is configurable; {@link SchemaPreset} gives the two common layouts. Names are validated identifiers and
 * always quoted in SQL, so a mapping can never inject SQL.
 *
 * @param usersTable the user table
 * @param userId its primary key
 * @param userRole the admin plugin's {@code role} column
 * @param userBanned the admin plugin's {@code banned} column
 * @param userBanExpires the admin plugin's {@code banExpires} column
 * @param membersTable the organization plugin's member table
 * @param memberUserId its user id column
 * @param memberOrganizationId its organization id column
 * @param memberRole its role column
 */
public record SchemaMapping(String usersTable, String userId, String userRole, String userBanned,
		String userBanExpires, String membersTable, String memberUserId, String memberOrganizationId,
		String memberRole) {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

	public SchemaMapping {
		for (String name : List.of(usersTable, userId, userRole, userBanned, userBanExpires, membersTable,
				memberUserId, memberOrganizationId, memberRole)) {
			if (name == null || !IDENTIFIER.matcher(name).matches()) {
				throw new IllegalArgumentException(
						"table and column names must be SQL identifiers ([A-Za-z_][A-Za-z0-9_]*), but was '" + name + "'");
			}
		}
	}

	/** The member-role query, served by {@code idx_members_user_org}. */
	String membershipQuery() {
		return "SELECT " + q(this.memberRole) + " FROM " + q(this.membersTable) + " WHERE " + q(this.memberUserId)
				+ " = $1 AND " + q(this.memberOrganizationId) + " = $2";
	}

	/** The platform-user query, by primary key. */
	String userQuery() {
		return "SELECT " + q(this.userRole) + ", " + q(this.userBanned) + ", " + q(this.userBanExpires) + " FROM "
				+ q(this.usersTable) + " WHERE " + q(this.userId) + " = $1";
	}

	/** The columns each mapped table must have. */
	Map<String, List<String>> requiredColumns() {
		return Map.of(this.usersTable, List.of(this.userId, this.userRole, this.userBanned, this.userBanExpires),
				this.membersTable, List.of(this.memberUserId, this.memberOrganizationId, this.memberRole));
	}

	private static String q(String identifier) {
		return '"' + identifier + '"';
	}

}
