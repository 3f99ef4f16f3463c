package dev.tenantgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A TCP proxy on a local port in front of one service (Redis, PostgreSQL, an HTTP server), for fault injection: point
 * the gateway at {@link #port()}, then {@link #cut()} the service away, {@link #delay(Duration) slow it down}, and
 * {@link #restore()} it, without touching the service itself (other work shares it).
 * <p>
 * Blocking sockets, four daemon threads per connection (a reader and a writer each way). A cut resets every open
 * connection (RST, so the client notices at once) and resets each new one right after accepting it, so clients see
 * the service as down, not as hanging; {@link #blackhole()} is the hanging kind.
 */
public final class TcpProxy implements AutoCloseable {

	private final String name;

	private final InetSocketAddress target;

	private final ServerSocket server;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final Object lock = new Object();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicLong delayNanos = new AtomicLong();

	private volatile Supplier<? extends Consumer<byte[]>> requestObserver = () -> (bytes) -> {
	};

	private volatile boolean cut;

	private volatile boolean closed;

	private TcpProxy(String name, InetSocketAddress target, ServerSocket server) {
		this.name = name;
		this.target = target;
		this.server = server;
	}

	/** Starts a proxy on a free local port in front of {@code host:port}. */
	public static TcpProxy start(String name, String host, int port) {
		try {
			ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
			TcpProxy proxy = new TcpProxy(name, new InetSocketAddress(host, port), server);
			Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-" + name + "-accept");
			acceptor.setDaemon(true);
			acceptor.start();
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Resets every open connection, and every new one until {@link #restore()}. */
	public void cut() {
		synchronized (this.lock) {
			this.cut = true;
			this.links.forEach(Link::reset);
			this.links.clear();
		}
	}

	/** Forwards again, without delay: clients reconnect on their own. */
	public void restore() {
		this.delayNanos.set(0);
		this.cut = false;
	}

	/**
	 * Shows every byte a client sends through the proxy to {@code observers}: one observer per connection, called
	 * with the bytes in the order they arrive, from that connection's reader thread (e.g. to count the statements a
	 * PostgreSQL client sends). Applies to connections opened from now on.
	 */
	public void observeRequests(Supplier<? extends Consumer<byte[]>> observers) {
		this.requestObserver = observers;
	}

	/** Holds every chunk of bytes, in both directions, for {@code delay} before forwarding it. */
	public void delay(Duration delay) {
		this.delayNanos.set(delay.toNanos());
	}

	/**
	 * Accepts connections but forwards nothing, in either direction, until {@link #restore()}: a service that stopped
	 * answering without closing anything (a hung host, a dropped network path).
	 */
	public void blackhole() {
		delay(Duration.ofDays(1));
	}

	/** Connections accepted and forwarded since the start. */
	public int connectionsAccepted() {
		return this.accepted.get();
	}

	/** Connections reset on arrival because the proxy was cut. */
	public int connectionsRefused() {
		return this.refused.get();
	}

	/** Connections open right now. */
	public int openConnections() {
		return this.links.size();
	}

	@Override
	public void close() {
		this.closed = true;
		cut();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	@Override
	public String toString() {
		return "TcpProxy[" + this.name + " :" + port() + " -> " + this.target + (this.cut ? ", cut" : "") + "]";
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				continue;
			}
			if (this.cut) {
				this.refused.incrementAndGet();
				reset(client);
				continue;
			}
			Thread opener = new Thread(() -> open(client), "tcp-proxy-" + this.name + "-open");
			opener.setDaemon(true);
			opener.start();
		}
	}

	private void open(Socket client) {
		Socket upstream = new Socket();
		try {
			upstream.connect(this.target, 2000);
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
		}
		catch (IOException ex) {
			reset(client);
			close(upstream);
			return;
		}
		Link link = new Link(client, upstream);
		synchronized (this.lock) {
			if (this.cut) {
				this.refused.incrementAndGet();
				link.reset();
				return;
			}
			this.links.add(link);
			this.accepted.incrementAndGet();
		}
		pump(link, client, upstream, "up", this.requestObserver.get());
		pump(link, upstream, client, "down", (bytes) -> {
		});
	}

	// A reader and a writer per direction, so a delay adds latency to each chunk without limiting throughput.
	private void pump(Link link, Socket from, Socket to, String direction, Consumer<byte[]> observer) {
		BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try {
				InputStream in = from.getInputStream();
				int read;
				while ((read = in.read(buffer)) >= 0) {
					byte[] bytes = Arrays.copyOf(buffer, read);
					observer.accept(bytes);
					chunks.put(new Chunk(System.nanoTime(), bytes));
				}
			}
			catch (IOException ex) {
				// the other side closed or the proxy cut the link
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				chunks.add(Chunk.END);
			}
		}, "tcp-proxy-" + this.name + "-" + direction + "-read");
		Thread writer = new Thread(() -> {
			try {
				OutputStream out = to.getOutputStream();
				for (Chunk chunk = chunks.take(); chunk != Chunk.END; chunk = chunks.take()) {
					awaitDelay(chunk.readAt());
					out.write(chunk.bytes());
					out.flush();
				}
			}
			catch (IOException ex) {
				// the other side closed or the proxy cut the link
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.links.remove(link);
				link.close();
			}
		}, "tcp-proxy-" + this.name + "-" + direction + "-write");
		reader.setDaemon(true);
		writer.setDaemon(true);
		reader.start();
		writer.start();
	}

	// Re-reads the delay while waiting, so restore() releases held bytes at once.
	private void awaitDelay(long readAt) {
		while (System.nanoTime() - readAt < this.delayNanos.get() && !this.cut) {
			try {
				TimeUnit.MILLISECONDS.sleep(2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// already closed
		}
		close(socket);
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	private record Chunk(long readAt, byte[] bytes) {

		static final Chunk END = new Chunk(0, new byte[0]);

	}

	private record Link(Socket client, Socket upstream) {

		void reset() {
			TcpProxy.reset(this.client);
			TcpProxy.reset(this.upstream);
		}

		void close() {
			TcpProxy.close(this.client);
			TcpProxy.close(this.upstream);
		}

	}

}
