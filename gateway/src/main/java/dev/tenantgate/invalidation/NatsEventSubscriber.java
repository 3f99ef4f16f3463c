package dev.tenantgate.invalidation;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.tenantgate.role.RoleResolver;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Subscribes every instance to the identity change subjects on core NATS (no queue group: each instance must drop
 * its own in-process entries; the Redis deletes are idempotent).
 * <p>
 * Core NATS delivers at most once, so an instance that lost its connection may have missed events, and one that just
 * started has missed everything before. On (re)connect it forgets everything it cached in-process, stops trusting
 * Redis entries read before the (re)connect, and trusts role claims only in tokens issued after it: every answer
 * from before the gap is read again from PostgreSQL. While disconnected it trusts no role claim. Messages the client
 * drops because this instance fell behind (a slow consumer) are a gap too. The connection is made in the background,
 * so the gateway starts and serves while NATS is down.
 * <p>
 * "From now on" starts once the server has confirmed the subscriptions (a flush after subscribing), so every change
 * published after it reaches this instance.
 */
public final class NatsEventSubscriber implements SmartLifecycle, ConnectionListener, ErrorListener {

	private static final Duration SUBSCRIPTION_CONFIRMATION_TIMEOUT = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(NatsEventSubscriber.class);

	private final String url;

	private final String subjectPrefix;

	private final IdentityEventParser parser;

	private final IdentityEventHandler handler;

	private final RoleResolver roles;

	private final Clock clock;

	private volatile @Nullable Connection connection;

	private volatile boolean running;

	// Until the first subscription, every change so far is unknown to this instance: the same as a gap.
	private volatile boolean missedEvents = true;

	public NatsEventSubscriber(String url, String subjectPrefix, IdentityEventParser parser,
			IdentityEventHandler handler, RoleResolver roles, Clock clock) {
		this.url = url;
		this.subjectPrefix = subjectPrefix;
		this.parser = parser;
		this.handler = handler;
		this.roles = roles;
		this.clock = clock;
		roles.listeningForChangesSince(Long.MAX_VALUE);
	}

	@Override
	public void start() {
		Options options = new Options.Builder().server(this.url)
			.connectionName("tenantgate")
			.connectionListener(this)
			.errorListener(this)
			.maxReconnects(-1)
			.reconnectWait(Duration.ofMillis(500))
			.connectionTimeout(Duration.ofSeconds(2))
			.build();
		try {
			Nats.connectAsynchronously(options, true);
			this.running = true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting the NATS connection", ex);
		}
	}

	@Override
	public void connectionEvent(Connection conn, Events type) {
		switch (type) {
			case CONNECTED -> {
				this.connection = conn;
				subscribe(conn);
				logger.info("NATS connected to " + conn.getConnectedUrl() + "; listening on " + subjects());
				catchUp(conn);
			}
			case DISCONNECTED -> {
				this.missedEvents = true;
				this.roles.listeningForChangesSince(Long.MAX_VALUE);
				logger.warn("NATS disconnected: identity change events may be missed until it reconnects; "
						+ "role claims are looked up meanwhile");
			}
			case RECONNECTED, RESUBSCRIBED -> catchUp(conn);
			case CLOSED -> logger.info("NATS connection closed");
			default -> {
			}
		}
	}

	/**
	 * After a time without subscription: answers cached before now, and role claims in tokens issued before now,
	 * may predate changes this instance never heard of, so they are read again.
	 */
	private void catchUp(Connection conn) {
		if (!this.missedEvents) {
			return;
		}
		try {
			// The server answers the flush after it has taken the subscriptions: every change from now on arrives.
			conn.flush(SUBSCRIPTION_CONFIRMATION_TIMEOUT);
		}
		catch (TimeoutException ex) {
			logger.warn("NATS did not confirm the subscriptions in time: role claims stay untrusted (looked up) until "
					+ "the next reconnect");
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.missedEvents = false;
		long now = this.clock.millis();
		this.roles.distrustCachesSince(now);
		this.roles.listeningForChangesSince(now);
		logger.info("Listening for identity changes from now on: role caches and older role claims are re-read");
	}

	/**
	 * Events were missed while connected (dropped, or not applied): forget what was cached before now, and trust
	 * claims only in tokens issued from now on.
	 */
	private void missed(String what) {
		long now = this.clock.millis();
		this.roles.distrustCachesSince(now);
		this.roles.listeningForChangesSince(now);
		logger.warn(what + "; role caches and older role claims are re-read from PostgreSQL");
	}

	@Override
	public void slowConsumerDetected(Connection conn, Consumer consumer) {
		this.handler.count("dropped");
		missed("NATS is dropping identity events: this instance is not keeping up");
	}

	@Override
	public void messageDiscarded(Connection conn, Message message) {
		this.handler.count("dropped");
		missed("NATS dropped an identity event on " + message.getSubject());
	}

	private void subscribe(Connection conn) {
		Dispatcher dispatcher = conn.createDispatcher(this::onMessage);
		for (String subject : subjects()) {
			dispatcher.subscribe(subject);
		}
	}

	private void onMessage(Message message) {
		String subject = message.getSubject().substring(this.subjectPrefix.length());
		IdentityEvent event;
		try {
			event = this.parser.parse(subject, message.getData());
		}
		catch (MalformedEventException ex) {
			this.handler.count("malformed");
			logger.warn("Ignoring a malformed identity event: " + ex.getMessage());
			return;
		}
		this.handler.handle(event).subscribe(null, (ex) -> {
			this.handler.count("failed");
			// The change is enforced here (in-process) but may not be recorded in Redis: once the in-process record
			// expires, an old Redis entry or an old claim could count again. Treat it as a gap in events.
			missed("Could not apply " + event.type().subject() + " to Redis (" + ex + ")");
		});
	}

	/** The subjects listened on, with the deployment prefix. */
	public List<String> subjects() {
		return java.util.Arrays.stream(IdentityEvent.Type.values())
			.map((type) -> this.subjectPrefix + type.subject())
			.toList();
	}

	/** The connection state, e.g. {@code CONNECTED}, {@code RECONNECTING}, or {@code NOT_STARTED}. */
	public String status() {
		Connection conn = this.connection;
		return (conn != null) ? conn.getStatus().name() : "NOT_CONNECTED";
	}

	public IdentityEventHandler handler() {
		return this.handler;
	}

	@Override
	public void stop() {
		this.running = false;
		Connection conn = this.connection;
		if (conn != null) {
			try {
				conn.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
