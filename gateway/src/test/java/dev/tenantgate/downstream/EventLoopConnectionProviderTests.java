package dev.tenantgate.downstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopConnectionProviderTests {

	private final EventLoopGroup group = new DefaultEventLoopGroup(2);

	private final ConnectionProvider shared = ConnectionProvider.create("shared", 16);

	private final EventLoopConnectionProvider provider = new EventLoopConnectionProvider(this.shared,
			() -> ConnectionProvider.create("per-loop", 16));

	@AfterEach
	void close() {
		this.provider.disposeLater().block(Duration.ofSeconds(5));
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void eachEventLoopHasAPoolOfItsOwnAndKeepsIt() throws Exception {
		List<EventExecutor> loops = loops();
		ConnectionProvider first = on(loops.get(0), () -> this.provider.poolFor(this.group));
		ConnectionProvider again = on(loops.get(0), () -> this.provider.poolFor(this.group));
		ConnectionProvider second = on(loops.get(1), () -> this.provider.poolFor(this.group));

		assertThat(first).isSameAs(again).isNotSameAs(second).isNotSameAs(this.shared);
		assertThat(second).isNotSameAs(this.shared);
		assertThat(this.provider.poolCount()).isEqualTo(2);
	}

	@Test
	void aCallOffTheEventLoopsUsesTheSharedPool() throws Exception {
		assertThat(this.provider.poolFor(this.group)).isSameAs(this.shared);
		DefaultEventLoopGroup other = new DefaultEventLoopGroup(1);
		try {
			assertThat(on(other.next(), () -> this.provider.poolFor(this.group))).isSameAs(this.shared);
		}
		finally {
			other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

	@Test
	void anotherEventLoopGroupGetsTheSharedPool() throws Exception {
		on(loops().get(0), () -> this.provider.poolFor(this.group));
		DefaultEventLoopGroup other = new DefaultEventLoopGroup(1);
		try {
			assertThat(on(other.next(), () -> this.provider.poolFor(other))).isSameAs(this.shared);
		}
		finally {
			other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

	@Test
	void theSharedPoolNamesAndBoundsTheProvider() {
		assertThat(this.provider.name()).isEqualTo("shared");
		assertThat(this.provider.maxConnections()).isEqualTo(this.shared.maxConnections());
	}

	/**
	 * The point of it, end to end: a front server calls a downstream server for every request, as the gateway does.
	 * With a pool per event loop, the downstream's response arrives on the thread that took the client's request,
	 * every time; with one shared pool, on another thread for some requests (the mutation check below).
	 */
	@Test
	void aProxiedCallStaysOnTheThreadThatReceivedTheRequest() {
		assertThat(threadSwitches(this.provider)).isZero();
	}

	@Test
	void withOneSharedPoolSomeProxiedCallsMoveToAnotherThread() {
		assertThat(threadSwitches(ConnectionProvider.create("one-shared", 64))).isPositive();
	}

	private static long threadSwitches(ConnectionProvider pool) {
		DisposableServer downstream = HttpServer.create().host("127.0.0.1").port(0)
			.handle((request, response) -> response.sendString(Mono.just("ok")))
			.bindNow();
		HttpClient client = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + downstream.port());
		DisposableServer front = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			Thread received = Thread.currentThread();
			return response.sendString(client.get().uri("/").responseContent().aggregate().asString()
				.map((body) -> (Thread.currentThread() == received) ? "same" : "switched"));
		}).bindNow();
		try {
			// Several client connections, spread by the server over its event loops, each sending requests in turn.
			return Flux.range(0, 8)
				.flatMap((connection) -> {
					HttpClient caller = HttpClient.create(ConnectionProvider.create("caller-" + connection, 1))
						.baseUrl("http://127.0.0.1:" + front.port());
					return Flux.range(0, 25)
						.concatMap((i) -> caller.get().uri("/").responseContent().aggregate().asString());
				})
				.filter("switched"::equals)
				.count()
				.block(Duration.ofSeconds(30));
		}
		finally {
			front.disposeNow();
			downstream.disposeNow();
			pool.disposeLater().block(Duration.ofSeconds(5));
		}
	}

	private List<EventExecutor> loops() {
		List<EventExecutor> loops = new ArrayList<>();
		this.group.forEach(loops::add);
		return loops;
	}

	private static <T> T on(EventExecutor loop, Callable<T> call) throws Exception {
		return loop.submit(call).get(5, TimeUnit.SECONDS);
	}

}
