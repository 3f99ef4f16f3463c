package dev.tenantgate.invalidation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
 * its own in-process entries; the Redis deletes are idempotent), and closes the gaps that core NATS leaves.
 * <p>
 * Core NATS delivers at most once: an instance that lost its connection, or dropped messages as a slow consumer, may
 * have missed events, and one that just started has missed everything before. During a gap no role claim counts
 * ({@link TrustModel#feedInterrupted()}). Once the subscriptions are confirmed again (a flush), the gap's events are
 * replayed from the JetStream stream ({@link ChangeReplay}), and nothing cached is dropped. Only when the stream
 * cannot cover the gap does the instance drop what it cached and trust only what is read or issued from then on
 * ({@link RoleResolver#gapNotReplayed(long)}). On start the stream's last hour (its age limit) is replayed, so role
 * claims in tokens issued before the start count as soon as the instance serves. The connection is made in the
 * background, so the gateway starts and serves while NATS is down.
 */
public final class NatsEventSubscriber implements SmartLifecycle, ConnectionListener, ErrorListener {

	// A ping a second costs the server nothing and bounds how far back a gap is replayed.
	private static final Duration PING_INTERVAL = Duration.ofSeconds(1);

	private static final int MAX_PINGS_OUT = 2;

	/**
	 * A connection that dies silently is noticed after at most this long (unanswered pings), so a gap is replayed
	 * from this long before it was noticed (plus a second for the clocks).
	 */
	public static final long DETECTION_MILLIS = PING_INTERVAL.toMillis() * (MAX_PINGS_OUT + 1) + 1000;

	private final GapCatchUp gaps;

	private static final Log logger = LogFactory.getLog(NatsEventSubscriber.class);

	private final String url;

	private final String subjectPrefix;

	private final IdentityEventParser parser;

	private final IdentityEventHandler handler;

	private final RoleResolver roles;

	private final Clock clock;

	private volatile @Nullable Connection connection;

	private volatile boolean running;

	/**
	 * @param replay where missed events are replayed from, or {@code null} to drop what is cached after every gap
	 */
	public NatsEventSubscriber(String url, String subjectPrefix, IdentityEventParser parser,
			IdentityEventHandler handler, RoleResolver roles, @Nullable ChangeReplay replay, Clock clock) {
		this.url = url;
		this.subjectPrefix = subjectPrefix;
		this.parser = parser;
		this.handler = handler;
		this.roles = roles;
		this.clock = clock;
		this.gaps = new GapCatchUp(roles, replay, clock, DETECTION_MILLIS, this::apply);
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
			.pingInterval(PING_INTERVAL)
			.maxPingsOut(MAX_PINGS_OUT)
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
				this.gaps.catchUpLater(conn);
			}
			case DISCONNECTED -> {
				this.gaps.open();
				logger.warn("NATS disconnected: identity change events may be missed until it reconnects; "
						+ "role claims are looked up meanwhile");
			}
			case RECONNECTED, RESUBSCRIBED -> this.gaps.catchUpLater(conn);
			case CLOSED -> logger.info("NATS connection closed");
			default -> {
			}
		}
	}

	@Override
	public void slowConsumerDetected(Connection conn, Consumer consumer) {
		this.handler.count("dropped");
		logger.warn("NATS is dropping identity events: this instance is not keeping up; they are replayed");
		this.gaps.open();
		this.gaps.catchUpLater(conn);
	}

	@Override
	public void messageDiscarded(Connection conn, Message message) {
		this.handler.count("dropped");
		this.gaps.open();
		this.gaps.catchUpLater(conn);
	}

	private void subscribe(Connection conn) {
		Dispatcher dispatcher = conn.createDispatcher(this::onMessage);
		for (String subject : subjects()) {
			dispatcher.subscribe(subject);
		}
	}

	private void onMessage(Message message) {
		apply(message, this.clock.millis());
	}

	/** Applies one event, live or replayed, received (or stored by the server) at {@code receivedAt}. */
	void apply(Message message, long receivedAt) {
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
		this.handler.handle(event, receivedAt).subscribe(null, (ex) -> {
			this.handler.count("failed");
			// Enforced here, but Redis may still hold an entry from before the change, unmarked: it no longer counts.
			logger.warn("Could not apply " + event.type().subject() + " to Redis (" + ex
					+ "); Redis entries from before now are read again");
			this.roles.trust().sharedStoreMissedChange(this.clock.millis());
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
		this.gaps.stop();
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
