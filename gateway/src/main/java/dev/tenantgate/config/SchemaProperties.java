package dev.tenantgate.config;

import java.time.Duration;
import java.util.List;

import dev.tenantgate.role.db.SchemaMapping;
import dev.tenantgate.role.db.SchemaPreset;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where Better Auth's tables are ({@code tenantgate.schema.*}): a preset, and any name overridden one by one.
 *
 * @param preset {@code plural-snake} (default: {@code users}, {@code members}, snake_case columns) or
 * {@code better-auth-default} ({@code "user"}, {@code "member"}, camelCase columns)
 * @param usersTable overrides the user table name
 * @param userId overrides the user id column
 * @param userRole overrides the platform role column
 * @param userBanned overrides the banned column
 * @param userBanExpires overrides the ban expiry column
 * @param membersTable overrides the member table name
 * @param memberUserId overrides the member's user id column
 * @param memberOrganizationId overrides the member's organization id column
 * @param memberRole overrides the member role column
 * @param verifyOnStartup check at start-up that the mapped tables and columns exist
 * @param verifyTimeout how long the start-up check may wait for the database
 * @param expectedIndexes indexes whose absence is reported at start-up
 */
@Validated
@ConfigurationProperties("tenantgate.schema")
public record SchemaProperties(@DefaultValue("plural-snake") @NotNull SchemaPreset preset, @Nullable String usersTable,
		@Nullable String userId, @Nullable String userRole, @Nullable String userBanned, @Nullable String userBanExpires,
		@Nullable String membersTable, @Nullable String memberUserId, @Nullable String memberOrganizationId,
		@Nullable String memberRole, @DefaultValue("true") boolean verifyOnStartup,
		@DefaultValue("10s") Duration verifyTimeout,
		@DefaultValue({ "idx_users_role", "idx_members_user_org", "idx_members_organization_id_role" }) List<String> expectedIndexes) {

	/** The preset with the overrides applied. */
	public SchemaMapping mapping() {
		SchemaMapping base = this.preset.mapping();
		return new SchemaMapping(or(this.usersTable, base.usersTable()), or(this.userId, base.userId()),
				or(this.userRole, base.userRole()), or(this.userBanned, base.userBanned()),
				or(this.userBanExpires, base.userBanExpires()), or(this.membersTable, base.membersTable()),
				or(this.memberUserId, base.memberUserId()), or(this.memberOrganizationId, base.memberOrganizationId()),
				or(this.memberRole, base.memberRole()));
	}

	private static String or(@Nullable String override, String preset) {
		return (override != null && !override.isBlank()) ? override : preset;
	}

}
