package dev.tenantgate.downstream;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;

/**
 * A connection pool per event loop: a request proxied from event loop <i>n</i> takes a downstream connection from
 * pool <i>n</i>, whose connections were all opened from that event loop and therefore live on it (Reactor Netty
 * places a new client connection on the event loop that asks for it). The client's request and the downstream call
 * then run on one thread from start to end.
 * <p>
 * With one shared pool, an idle connection goes to whichever event loop asks next: with four event loops, three
 * requests in four were handed to another thread to be sent downstream and handed back for the response, two
 * thread wake-ups per request (docs/benchmarks.md). This is how Envoy keeps a pool per worker thread.
 * <p>
 * Each pool is built like the shared one ({@code spring.cloud.gateway.server.webflux.httpclient.pool.*}). A request
 * whose lookup answered on another thread is brought back to its event loop first ({@link ReceivingEventLoop}); a
 * call still made off the event loops (after another filter waited on another thread) uses the shared pool.
 * The price: each event loop keeps idle connections of its own, so a downstream may see up to one idle set per
 * event loop ({@code pool.max-idle-time} bounds how long they stay).
 */
public final class EventLoopConnectionProvider implements ConnectionProvider {

	private final ConnectionProvider shared;

	private final Supplier<ConnectionProvider> newPool;

	private volatile @Nullable Pools pools;

	/**
	 * @param shared the pool for calls made off the event loops; its name, limits and builder are this provider's
	 * @param newPool builds a pool like {@code shared}, one per event loop, on first use
	 */
	public EventLoopConnectionProvider(ConnectionProvider shared, Supplier<ConnectionProvider> newPool) {
		this.shared = shared;
		this.newPool = newPool;
	}

	@Override
	public Mono<? extends Connection> acquire(TransportConfig config, ConnectionObserver connectionObserver,
			@Nullable Supplier<? extends SocketAddress> remoteAddress,
			@Nullable AddressResolverGroup<?> resolverGroup) {
		EventLoopGroup group = config.loopResources().onClient(config.isPreferNative());
		return poolFor(group).acquire(config, connectionObserver, remoteAddress, resolverGroup);
	}

	/** The pool of the calling thread's event loop in {@code group}, or the shared pool off its event loops. */
	ConnectionProvider poolFor(EventLoopGroup group) {
		Pools current = this.pools;
		if (current == null) {
			current = pools(group);
		}
		if (current.group != group) {
			// One HttpClient, one event loop group: another group (not expected) gets the shared pool.
			return this.shared;
		}
		EventExecutor[] loops = current.loops;
		for (int i = 0; i < loops.length; i++) {
			if (loops[i].inEventLoop()) {
				return current.providers[i];
			}
		}
		return this.shared;
	}

	/** The pools, made for {@code group} by the first call. */
	private synchronized Pools pools(EventLoopGroup group) {
		Pools current = this.pools;
		if (current != null) {
			return current;
		}
		List<EventExecutor> loops = new ArrayList<>();
		group.forEach(loops::add);
		ConnectionProvider[] providers = new ConnectionProvider[loops.size()];
		for (int i = 0; i < providers.length; i++) {
			providers[i] = this.newPool.get();
		}
		current = new Pools(group, loops.toArray(EventExecutor[]::new), providers);
		this.pools = current;
		return current;
	}

	@Override
	public void disposeWhen(SocketAddress address) {
		this.shared.disposeWhen(address);
		forEachPool((pool) -> pool.disposeWhen(address));
	}

	@Override
	public Mono<Void> disposeLater() {
		List<Mono<Void>> all = new ArrayList<>();
		all.add(this.shared.disposeLater());
		forEachPool((pool) -> all.add(pool.disposeLater()));
		return Mono.whenDelayError(all);
	}

	@Override
	public boolean isDisposed() {
		return this.shared.isDisposed();
	}

	@Override
	public int maxConnections() {
		return this.shared.maxConnections();
	}

	@Override
	public @Nullable Map<SocketAddress, Integer> maxConnectionsPerHost() {
		return this.shared.maxConnectionsPerHost();
	}

	@Override
	public @Nullable Builder mutate() {
		return this.shared.mutate();
	}

	@Override
	public String name() {
		return this.shared.name();
	}

	/** How many event loops have a pool of their own (0 until the first call from an event loop). */
	public int poolCount() {
		Pools current = this.pools;
		return (current != null) ? current.providers.length : 0;
	}

	private void forEachPool(Consumer<ConnectionProvider> action) {
		Pools current = this.pools;
		if (current != null) {
			for (ConnectionProvider pool : current.providers) {
				action.accept(pool);
			}
		}
	}

	private record Pools(EventLoopGroup group, EventExecutor[] loops, ConnectionProvider[] providers) {
	}

}
