package dev.tenantgate.role.db;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import dev.tenantgate.role.Membership;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.PlatformUser;
import dev.tenantgate.role.UserWithMembership;
import dev.tenantgate.support.BetterAuthFixtures;
import dev.tenantgate.support.TestDatabase;
import dev.tenantgate.support.TestServices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authoritative tier's queries against Better Auth's tables on PostgreSQL, in both schema layouts: the joined
 * lookup of a user with their membership answers exactly what the two lookups answer apart, for users with and
 * without a member row, banned users, several roles and several member rows, and users that do not exist.
 */
class BetterAuthRepositoryIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@ParameterizedTest
	@EnumSource(SchemaPreset.class)
	void userWithMembershipAnswersWhatTheTwoLookupsAnswerApart(SchemaPreset preset) {
		TestDatabase database = TestDatabase.create(TestServices.require(),
				(preset == SchemaPreset.PLURAL_SNAKE) ? "plural-snake" : "better-auth-default");
		BetterAuthFixtures fixtures = new BetterAuthFixtures(database, preset);
		BetterAuthRepository repository = new BetterAuthRepository(SchemaVerifierIntegrationTests.client(database),
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

		assertThat(together(repository, owner, org)).isEqualTo(new UserWithMembership(
				new PlatformUser(true, Set.of("admin", "user"), false, null), new Membership(Set.of("owner"))));
		assertThat(together(repository, twoRows, org).membership()).isEqualTo(new Membership(Set.of("staff", "viewer")));
		assertThat(together(repository, elsewhere, org).membership()).isEqualTo(Membership.NONE);
		assertThat(together(repository, banned, org).user())
			.isEqualTo(new PlatformUser(true, Set.of("user"), true, banEnds));
		assertThat(together(repository, blankRole, org)).isEqualTo(
				new UserWithMembership(new PlatformUser(true, Set.of(), false, null), Membership.NONE));
		assertThat(together(repository, TestDatabase.newId(), org))
			.isEqualTo(new UserWithMembership(PlatformUser.UNKNOWN, Membership.NONE));
		for (String user : new String[] { owner, twoRows, elsewhere, banned, blankRole, TestDatabase.newId() }) {
			MembershipKey key = new MembershipKey(user, org);
			assertThat(together(repository, user, org)).as(user).isEqualTo(new UserWithMembership(
					repository.user(user).block(TIMEOUT), repository.membership(key).block(TIMEOUT)));
		}
	}

	private static UserWithMembership together(BetterAuthRepository repository, String user, String org) {
		return repository.userWithMembership(new MembershipKey(user, org)).block(TIMEOUT);
	}

}
