package dev.tenantgate.role.db;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authoritative tier's queries against Better Auth's tables on PostgreSQL, in both schema layouts: a user's
 * platform record and their member roles in an organization, for users with and without a member row, banned users,
 * several roles and several member rows, and users that do not exist.
 */
class BetterAuthRepositoryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@ParameterizedTest
	@EnumSource(SchemaPreset.class)
	void userAndMembershipLookupsAnswerFromBetterAuthsTables(SchemaPreset preset) {
		TestDatabase database = TestDatabase.create(TestServices.require(),
				(preset == SchemaPreset.PLURAL_SNAKE) ? "plural-snake" : "better-auth-default");
		BetterAuthFixtures fixtures = new BetterAuthFixtures(database, preset);
		BetterAuthRepository repository = new BetterAuthRepository(database.client(),
				preset.mapping());
		String org = fixtures.organization();
		String other = fixtures.organization();
		Instant banEnds = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);

		String owner = fixtures.user("admin,user");
		fixtures.member(owner, org, "owner");
		String twoRows = fixtures.user("user");
		fixtures.member(twoRows, org, "staff");
		fixtures.member(twoRows, org, "viewer,staff");
		String elsewhere = fixtures.user("user");
		fixtures.member(elsewhere, other, "admin");
		String banned = fixtures.user("user", true, banEnds);
		fixtures.member(banned, org, "viewer");
		String blankRole = fixtures.user(null);
		fixtures.member(blankRole, org, " ");

		assertThat(repository.user(owner).block(TIMEOUT))
			.isEqualTo(new PlatformUser(true, Set.of("admin", "user"), false, null));
		assertThat(membership(repository, owner, org)).isEqualTo(new Membership(Set.of("owner")));
		assertThat(membership(repository, twoRows, org)).isEqualTo(new Membership(Set.of("staff", "viewer")));
		assertThat(membership(repository, elsewhere, org)).isEqualTo(Membership.NONE);
		assertThat(membership(repository, elsewhere, other)).isEqualTo(new Membership(Set.of("admin")));
		assertThat(repository.user(banned).block(TIMEOUT))
			.isEqualTo(new PlatformUser(true, Set.of("user"), true, banEnds));
		assertThat(membership(repository, banned, org)).isEqualTo(new Membership(Set.of("viewer")));
		assertThat(repository.user(blankRole).block(TIMEOUT)).isEqualTo(new PlatformUser(true, Set.of(), false, null));
		assertThat(membership(repository, blankRole, org)).isEqualTo(Membership.NONE);
		String unknown = TestDatabase.newId();
		assertThat(repository.user(unknown).block(TIMEOUT)).isEqualTo(PlatformUser.UNKNOWN);
		assertThat(membership(repository, unknown, org)).isEqualTo(Membership.NONE);
	}

	private static Membership membership(BetterAuthRepository repository, String user, String org) {
		return repository.membership(new MembershipKey(user, org)).block(TIMEOUT);
	}

}
