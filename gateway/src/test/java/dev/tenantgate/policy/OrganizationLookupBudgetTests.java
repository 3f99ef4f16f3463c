package dev.tenantgate.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OrganizationLookupBudgetTests { // issue-26

	private final AtomicLong nanos = new AtomicLong();

	private final OrganizationLookupBudget budget = new OrganizationLookupBudget(2, Duration.ofMinutes(1), 100,
			this.nanos::get);

	@Test
	void tryAcquireWhenDistinctOrganizationsExceedTheMaximumThenRefused() {
		assertThat(this.budget.tryAcquire("u1", "acme")).isTrue();
		assertThat(this.budget.tryAcquire("u1", "globex")).isTrue();
		assertThat(this.budget.tryAcquire("u1", "initech")).isFalse();
	}

	@Test
	void tryAcquireWhenOrganizationAlreadyCountedThenAdmittedAgain() {
		this.budget.tryAcquire("u1", "acme");
		this.budget.tryAcquire("u1", "globex");
		assertThat(this.budget.tryAcquire("u1", "acme")).isTrue();
		assertThat(this.budget.tryAcquire("u1", "globex")).isTrue();
	}

	@Test
	void tryAcquireWhenAnotherSubjectThenCountedApart() {
		this.budget.tryAcquire("u1", "acme");
		this.budget.tryAcquire("u1", "globex");
		assertThat(this.budget.tryAcquire("u2", "initech")).isTrue();
	}

	@Test
	void tryAcquireWhenWindowHasPassedThenCountStartsAgain() {
		this.budget.tryAcquire("u1", "acme");
		this.budget.tryAcquire("u1", "globex");
		this.nanos.addAndGet(Duration.ofSeconds(59).toNanos());
		assertThat(this.budget.tryAcquire("u1", "initech")).as("still within the window").isFalse();
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.budget.tryAcquire("u1", "initech")).isTrue();
	}

	@Test
	void constructorWhenMaximumBelowOneThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OrganizationLookupBudget(0, Duration.ofMinutes(1), 100, this.nanos::get))
			.withMessage("maximumOrganizations must be at least 1, but was 0");
	}

}
