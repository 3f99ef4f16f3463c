package dev.tenantgate.role;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys due for a background refresh, handed on in batches on a virtual clock.
 */
class RefreshBatcherTests {

	private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();

	private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

	private final RefreshBatcher<Integer> batcher = new RefreshBatcher<>(Duration.ofMillis(50), 100, this.timer,
			this.batches::add);

	@Test
	void keysDueWithinTheWindowGoTogetherWhenItEnds() {
		this.batcher.add(1);
		this.timer.advanceTimeBy(Duration.ofMillis(30));
		this.batcher.add(2);
		this.batcher.add(3);
		this.timer.advanceTimeBy(Duration.ofMillis(19));
		assertThat(this.batches).isEmpty();

		this.timer.advanceTimeBy(Duration.ofMillis(1));

		assertThat(this.batches).containsExactly(List.of(1, 2, 3));
	}

	@Test
	void aKeyDueAfterABatchOpensAWindowOfItsOwn() {
		this.batcher.add(1);
		this.timer.advanceTimeBy(Duration.ofMillis(50));
		this.batcher.add(2);
		this.timer.advanceTimeBy(Duration.ofMillis(49));
		assertThat(this.batches).containsExactly(List.of(1));

		this.timer.advanceTimeBy(Duration.ofMillis(1));

		assertThat(this.batches).containsExactly(List.of(1), List.of(2));
	}

	@Test
	void moreKeysThanABatchTakesFollowAtOnceInFurtherBatches() {
		IntStream.range(0, 250).forEach(this.batcher::add);

		this.timer.advanceTimeBy(Duration.ofMillis(50));

		assertThat(this.batches).extracting(List::size).containsExactly(100, 100, 50);
		assertThat(this.batches.stream().flatMap(List::stream)).containsExactlyElementsOf(
				IntStream.range(0, 250).boxed().toList());
	}

}
