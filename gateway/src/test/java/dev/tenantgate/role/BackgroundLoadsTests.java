package dev.tenantgate.role;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundLoadsTests {

	private final BackgroundLoads loads = new BackgroundLoads(2);

	private final List<Sinks.Empty<Void>> pending = new ArrayList<>();

	private final List<Integer> started = new CopyOnWriteArrayList<>();

	@Test
	void atMostTheLimitRunAtOnceAndTheOthersFollowInOrder() {
		for (int i = 0; i < 5; i++) {
			submit(i);
		}
		assertThat(this.started).containsExactly(0, 1);
		assertThat(this.loads.running()).isEqualTo(2);

		this.pending.get(0).tryEmitEmpty();
		assertThat(this.started).containsExactly(0, 1, 2);

		this.pending.get(1).tryEmitError(new IllegalStateException("database down"));
		this.pending.get(2).tryEmitEmpty();
		assertThat(this.started).as("a failed load frees its place too").containsExactly(0, 1, 2, 3, 4);

		this.pending.get(3).tryEmitEmpty();
		this.pending.get(4).tryEmitEmpty();
		assertThat(this.loads.running()).isZero();
	}

	@Test
	void aLoadThatThrowsFreesItsPlace() {
		this.loads.submit(() -> {
			throw new IllegalStateException("no connection");
		});
		submit(1);
		submit(2);

		assertThat(this.started).containsExactly(1, 2);
	}

	private void submit(int load) {
		Sinks.Empty<Void> done = Sinks.empty();
		this.pending.add(done);
		this.loads.submit(() -> {
			this.started.add(load);
			return done.asMono();
		});
	}

}
