package dev.tenantgate.role;

import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class IdentifiersTests {

	private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

	@Test
	void betterAuthIdsAndUuidsAreValid() {
		assertThat(Identifiers.isValid("Xk2bR9pQ7sT1uV3wY5zA8cE0fG4hJ6mN")).isTrue();
		assertThat(Identifiers.isValid("3f2b8c1e-9d4a-4e6b-8f7c-2a1d0e9b8c7d")).isTrue();
		assertThat(Identifiers.isValid("user_1")).isTrue();
		assertThat(Identifiers.isValid("a".repeat(128))).isTrue();
	}

	@Test
	void emptyTooLongAndOtherCharactersAreNot() {
		assertThat(Identifiers.isValid(null)).isFalse();
		assertThat(Identifiers.isValid("")).isFalse();
		assertThat(Identifiers.isValid("a".repeat(129))).isFalse();
		assertThat(Identifiers.isValid("acme:perm")).isFalse();
		assertThat(Identifiers.isValid("acme*")).isFalse();
		assertThat(Identifiers.isValid("ac me")).isFalse();
		assertThat(Identifiers.isValid("acme\u0000")).isFalse();
		assertThat(Identifiers.isValid("acm\u00e9")).isFalse();
		// Beyond ASCII, with a letter in the low byte: U+0141 is 'A' + 0x100, U+0161 is 'a' + 0x100, U+FF41 a
		// full-width 'a'.
		assertThat(Identifiers.isValid("\u0141A")).isFalse();
		assertThat(Identifiers.isValid("\u0161")).isFalse();
		assertThat(Identifiers.isValid("\uff41cme")).isFalse();
	}

	@Test
	void requireNamesWhatIsNotValid() {
		assertThat(Identifiers.require("acme", "organization id")).isEqualTo("acme");
		assertThatIllegalArgumentException().isThrownBy(() -> Identifiers.require("ac/me", "organization id"))
			.withMessage("organization id is not a valid identifier");
	}

	@Property(tries = 3000)
	void validExactlyWhenTheShapeMatches(@ForAll("ids") String id) {
		assertThat(Identifiers.isValid(id)).isEqualTo(SHAPE.matcher(id).matches());
	}

	@Provide
	Arbitrary<String> ids() {
		Arbitrary<String> nearlyValid = Arbitraries.strings()
			.withChars("abcXYZ019-_")
			.withCharRange('\u0000', '\u00ff')
			.ofMinLength(0)
			.ofMaxLength(130);
		Arbitrary<String> valid = Arbitraries.strings().withChars("abcdefXYZ0123456789-_").ofMinLength(1)
			.ofMaxLength(129);
		Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(40);
		return Arbitraries.oneOf(nearlyValid, valid, anyChars);
	}

}
