package dev.tenantgate.dev;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import dev.tenantgate.support.Json;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * For {@code start-dev} only: a downstream service that answers every request with its method, path and the
 * identity headers it received, as JSON.
 */
public final class EchoServer implements SmartLifecycle {

	private static final List<String> HEADERS = List.of("X-User-Id", "X-Organization-Id", "X-Org-Role",
			"X-Platform-Role");

	private final int port;

	private volatile @Nullable DisposableServer server;

	public EchoServer(int port) {
		this.port = port;
	}

	@Override
	public void start() {
		this.server = HttpServer.create().host("127.0.0.1").port(this.port).handle((request, response) -> {
			String headers = HEADERS.stream()
				.filter((name) -> request.requestHeaders().contains(name))
				.map((name) -> Json.quote(name) + ":" + Json.quote(request.requestHeaders().get(name)))
				.collect(Collectors.joining(","));
			String body = "{\"service\":\"echo\",\"method\":" + Json.quote(request.method().name()) + ",\"path\":"
					+ Json.quote(request.uri()) + ",\"headers\":{" + headers + "}}\n";
			return response.header("Content-Type", "application/json")
				.sendString(reactor.core.publisher.Mono.just(body), StandardCharsets.UTF_8);
		}).bindNow();
	}

	@Override
	public void stop() {
		DisposableServer current = this.server;
		if (current != null) {
			current.disposeNow();
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
