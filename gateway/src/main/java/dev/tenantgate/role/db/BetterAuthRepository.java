package dev.tenantgate.role.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.Roles;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The authoritative tier: Better Auth's own tables, read with SELECT only. Every statement is a parameterized
 * query on an index.
 */
public final class BetterAuthRepository {

	private final DatabaseClient database;

	private final String membershipQuery;

	private final String userQuery;

	public BetterAuthRepository(DatabaseClient database, SchemaMapping mapping) {
		this.database = database;
		this.membershipQuery = mapping.membershipQuery();
		this.userQuery = mapping.userQuery();
	}

	/** The member roles of the user in the organization; {@link Membership#NONE} when there is no member row. */
	public Mono<Membership> membership(MembershipKey key) {
		return this.database.sql(this.membershipQuery)
			.bind(0, key.userId())
			.bind(1, key.organizationId())
			.map((row) -> row.get(0, String.class))
			.all()
			.collect(LinkedHashSet<String>::new, (roles, value) -> roles.addAll(Roles.parse(value)))
			.map((roles) -> roles.isEmpty() ? Membership.NONE : new Membership(roles));
	}

	/** The platform roles and ban of the user; {@link PlatformUser#UNKNOWN} when there is no user row. */
	public Mono<PlatformUser> user(String userId) {
		return this.database.sql(this.userQuery)
			.bind(0, userId)
			.map((row) -> toUser(row.get(0, String.class), row.get(1, Boolean.class), row.get(2)))
			.first()
			.defaultIfEmpty(PlatformUser.UNKNOWN);
	}

	private static PlatformUser toUser(@Nullable String role, @Nullable Boolean banned, @Nullable Object banExpires) {
		Set<String> roles = Roles.parse(role);
		return new PlatformUser(true, roles, Boolean.TRUE.equals(banned), instant(banExpires));
	}

	private static @Nullable Instant instant(@Nullable Object value) {
		if (value instanceof OffsetDateTime offset) {
			return offset.toInstant();
		}
		if (value instanceof LocalDateTime local) {
			return local.toInstant(ZoneOffset.UTC);
		}
		if (value instanceof Instant instant) {
			return instant;
		}
		return null;
	}

}
