package dev.tenantgate.filter;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class RemovedHeadersTests {

	private final RemovedHeaders removed = new RemovedHeaders(List.of("X-User-Id", "Connection"), List.of("X-Tenantgate-"));

	// issue-26
	@Test
	void copyWithoutWhenConnectionNamesAHeaderThenEverySpellingOfItIsLeftOut() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Connection", "x_trace, X-DEBUG-Hop ,,");
		headers.add("X-Trace", "hop");
		headers.add("x_debug_hop", "hop");
		headers.add("X-Debug-Hops", "kept: another name");
		headers.add("Accept", "*/*");

		HttpHeaders copy = this.removed.copyWithout(headers, 0);

		assertThat(copy.headerNames()).containsExactlyInAnyOrder("X-Debug-Hops", "Accept");
	}

	@Test
	void copyWithoutWhenConnectionNamesNothingThenOnlyTheRemovedNamesAreLeftOut() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Connection", " , ");
		headers.add("X_USER_ID", "forged");
		headers.add("x-tenantgate-debug", "1");
		headers.add("Accept", "*/*");

		assertThat(this.removed.copyWithout(headers, 0).headerNames()).containsExactly("Accept");
	}

	/**
	 * Every header was compared with every name that {@code Connection} lists: 1,250 headers and 2,900 names took
	 * 25-37 ms. With the names hashed, four times the headers and names take about four times as long, not sixteen.
	 */
	// issue-26
	@Test
	void copyWithoutIsLinearInTheHeadersAndTheNamesConnectionLists() {
		HttpHeaders small = headersNamingThemselves(1_000);
		HttpHeaders large = headersNamingThemselves(4_000);
		for (int i = 0; i < 20; i++) {
			this.removed.copyWithout(small, 0);
			this.removed.copyWithout(large, 0);
		}
		long smallNanos = fastest(small);
		long largeNanos = fastest(large);

		assertThat(largeNanos).as("4x the headers and names took %d ns against %d ns", largeNanos, smallNanos)
			.isLessThan(9 * smallNanos);
		assertThat(this.removed.copyWithout(large, 0).headerNames()).containsExactly("Connection-Kept");
	}

	@Test
	void countConnectionOptionsCountsTheNamesUpToJustPastTheLimit() {
		assertThat(RemovedHeaders.countConnectionOptions(null, 32)).isZero();
		assertThat(RemovedHeaders.countConnectionOptions(List.of("keep-alive"), 32)).isEqualTo(1);
		assertThat(RemovedHeaders.countConnectionOptions(List.of(" , keep-alive,,Upgrade ,", "TE"), 32)).isEqualTo(3);
		assertThat(RemovedHeaders.countConnectionOptions(List.of("a,".repeat(1000)), 32)).isEqualTo(33);
	}

	/** {@code count} headers, each named in {@code Connection}, and one that is not. */
	private static HttpHeaders headersNamingThemselves(int count) {
		HttpHeaders headers = new HttpHeaders();
		List<String> names = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String name = "X-Hop-" + i;
			names.add(name);
			headers.add(name, "v");
		}
		headers.add("Connection", String.join(", ", names));
		headers.add("Connection-Kept", "v");
		return headers;
	}

	private long fastest(HttpHeaders headers) {
		long fastest = Long.MAX_VALUE;
		for (int i = 0; i < 7; i++) {
			long started = System.nanoTime();
			this.removed.copyWithout(headers, 0);
			fastest = Math.min(fastest, System.nanoTime() - started);
		}
		return fastest;
	}

}
