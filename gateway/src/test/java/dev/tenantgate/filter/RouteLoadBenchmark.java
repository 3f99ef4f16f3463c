package dev.tenantgate.filter;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.tenantgate.path.NormalizedPath;
import dev.tenantgate.policy.RoutesFile;
import dev.tenantgate.policy.RoutesFileSource;
import dev.tenantgate.policy.RoutesLinter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.CachingRouteLocator;
import org.springframework.cloud.gateway.route.CompositeRouteLocator;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.core.io.FileSystemResource;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long {@code routes.yml} takes to load at start-up and to reload, with 1,000 and 10,000 routes: reading and
 * parsing the file, the linter (which compares every route with every earlier one), the routes and their index, and
 * Spring Cloud Gateway's refresh of its route cache (its {@link CachingRouteLocator}, wired to the handler mapping as
 * the application wires them). Prints the figures; asserts only that the routes are in force. // issue-27
 * <p>
 * The first load of a route count in a JVM is its start-up (nothing is compiled yet, as in a starting gateway); run one
 * route count per JVM for that figure. The reloads that follow change one route each time, as an edit would; then
 * each step of a reload is timed alone, for where the time goes. Everything runs on the test's thread, so besides the
 * wall-clock time the thread's CPU time is printed: on a machine shared with other work, the wall-clock time grows
 * with the load and the CPU time much less.
 * <p>
 * Run: {@code ./mvnw -pl gateway test -Dtest=RouteLoadBenchmark -Dgroups=benchmark -Dtenantgate.excludedGroups=none
 * -Droutes.count=10000}
 */
@Tag("benchmark")
class RouteLoadBenchmark {

	private static final int RELOADS = Integer.getInteger("routes.reloads", 10);

	@TempDir
	Path directory;

	@Test
	void loadAndReload() throws IOException {
		for (String count : System.getProperty("routes.count", "1000,10000").split(",")) {
			measure(Integer.parseInt(count.strip()));
		}
	}

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private void measure(int count) throws IOException {
		Path file = this.directory.resolve("routes-" + count + ".yml");
		Files.writeString(file, routes(count, 0));
		RoutesFileSource source = new RoutesFileSource(new FileSystemResource(file), file.toString(), (text) -> text);

		// Start-up, as PolicyConfiguration and Spring Cloud Gateway do it: load, lint, the routes and their index,
		// then the framework's first refresh of its route cache.
		long started = System.nanoTime();
		long startedCpu = THREADS.getCurrentThreadCpuTime();
		RoutesFile routes = source.load();
		long parsed = System.nanoTime();
		List<String> warnings = RoutesLinter.lint(routes, source.name());
		long linted = System.nanoTime();
		PolicyRouteLocator locator = new PolicyRouteLocator(routes);
		long indexed = System.nanoTime();
		List<PolicyRouteHandlerMapping> mapping = new ArrayList<>(1);
		CachingRouteLocator cache = new CachingRouteLocator(new CompositeRouteLocator(Flux.just(locator)));
		cache.setApplicationEventPublisher((event) -> {
			if (event instanceof RefreshRoutesResultEvent result && !mapping.isEmpty()) {
				mapping.get(0).onApplicationEvent(result);
			}
		});
		mapping.add(new PolicyRouteHandlerMapping(new FilteringWebHandler(List.of(), true), cache,
				new GlobalCorsProperties(), new MockEnvironment(), locator));
		cache.onApplicationEvent(new RefreshRoutesEvent(this));
		long refreshed = System.nanoTime();
		long startUpCpu = THREADS.getCurrentThreadCpuTime() - startedCpu;
		assertThat(warnings).isEmpty();
		assertThat(mapping.get(0).isIndexed()).isTrue();
		assertThat(cache.getRoutes().count().block()).isEqualTo(count + 1L);

		RoutesReloader reloader = new RoutesReloader(source, locator, (event) -> {
			if (event instanceof RefreshRoutesEvent refresh) {
				cache.onApplicationEvent(refresh);
			}
		}, java.time.Duration.ZERO);
		long[] reloads = new long[RELOADS];
		long[] reloadsCpu = new long[RELOADS];
		for (int i = 0; i < RELOADS; i++) {
			Files.writeString(file, routes(count, i + 1));
			long start = System.nanoTime();
			long startCpu = THREADS.getCurrentThreadCpuTime();
			assertThat(reloader.reloadIfChanged()).isTrue();
			reloadsCpu[i] = THREADS.getCurrentThreadCpuTime() - startCpu;
			reloads[i] = System.nanoTime() - start;
			assertThat(locator.lookup(new NormalizedPath(List.of("api", "orgs", "acme", "orders", "1"))).route().getId())
				.isEqualTo("orders");
		}
		// Each step of a reload alone, the medians of RELOADS times (CPU time).
		long[][] steps = new long[4][RELOADS];
		for (int i = 0; i < RELOADS; i++) {
			Files.writeString(file, routes(count, RELOADS + i + 1));
			long t0 = THREADS.getCurrentThreadCpuTime();
			RoutesFile next = source.load();
			long t1 = THREADS.getCurrentThreadCpuTime();
			RoutesLinter.lint(next, source.name());
			long t2 = THREADS.getCurrentThreadCpuTime();
			locator.update(next);
			long t3 = THREADS.getCurrentThreadCpuTime();
			cache.onApplicationEvent(new RefreshRoutesEvent(this));
			long t4 = THREADS.getCurrentThreadCpuTime();
			steps[0][i] = t1 - t0;
			steps[1][i] = t2 - t1;
			steps[2][i] = t3 - t2;
			steps[3][i] = t4 - t3;
		}
		System.out.printf(Locale.ROOT,
				"%n%,d routes: start-up %.0f ms, CPU %.0f ms (reading and parsing %.0f, lint %.0f, routes and index %.0f, "
						+ "Spring Cloud Gateway's refresh %.0f, wall-clock)%n"
						+ "  reload: median %.0f ms, CPU %.0f ms (wall-clock %.0f-%.0f over %d); "
						+ "each step alone, median CPU: reading and parsing %.1f ms, lint %.1f, routes and index %.1f, "
						+ "Spring Cloud Gateway's refresh %.1f%n%n",
				count, ms(refreshed - started), ms(startUpCpu), ms(parsed - started), ms(linted - parsed),
				ms(indexed - linted), ms(refreshed - indexed), ms(median(reloads)), ms(median(reloadsCpu)),
				ms(Arrays.stream(reloads).min().orElseThrow()), ms(Arrays.stream(reloads).max().orElseThrow()), RELOADS,
				ms(median(steps[0])), ms(median(steps[1])), ms(median(steps[2])), ms(median(steps[3])));
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** {@code count} routes that do not overlap, then the matched route; {@code edit} changes one route's rule. */
	private static String routes(int count, int edit) {
		StringBuilder yaml = new StringBuilder("routes:\n");
		for (int i = 0; i < count; i++) {
			yaml.append("  - id: svc").append(i).append('\n')
				.append("    uri: http://127.0.0.1:9001\n")
				.append("    path: /api/orgs/{orgId}/svc").append(i).append("/**\n")
				.append("    rules:\n")
				.append("      GET: { min-role: ").append((i == edit % count) ? "admin" : "viewer").append(" }\n");
		}
		yaml.append("""
				  - id: orders
				    uri: http://127.0.0.1:9001
				    path: /api/orgs/{orgId}/orders/**
				    rules:
				      GET: { min-role: viewer }
				""");
		return yaml.toString();
	}

	private static double ms(long nanos) {
		return nanos / 1e6;
	}

}
