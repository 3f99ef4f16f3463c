package dev.tenantgate.invalidation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

import dev.tenantgate.role.RoleResolver;
import dev.tenantgate.trust.TrustModel;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;
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

	private static final Duration SUBSCRIPTION_CONFIRMATION_TIMEOUT = Duration.ofSeconds(2);

	// A ping a second costs the server nothing and bounds how far back a gap is replayed.
	private static final Duration PING_INTERVAL = Duration.ofSeconds(1);

	private static final int MAX_PINGS_OUT = 2;

	/**
	 * A connection that dies silently is noticed after at most this long (unanswered pings), so a gap is replayed
	 * from this long before it was noticed (plus a second for the clocks).
	 */
	static final long DETECTION_MILLIS = PING_INTERVAL.toMillis() * (MAX_PINGS_OUT + 1) + 1000;

	private static final Log logger = LogFactory.getLog(NatsEventSubscriber.class);

	private final String url;

	private final String subjectPrefix;

	private final IdentityEventParser parser;

	private final IdentityEventHandler handler;

	private final RoleResolver roles;

	private final @Nullable ChangeReplay replay;

	private final Clock clock;

	// Catch-ups block on the server (a flush, the replay): never on NATS's own threads.
	private final ExecutorService catchUps = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "tenantgate-nats-catch-up");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable Connection connection;

	private volatile boolean running;

	// Guarded by this: the open gap (from when events may have been missed) and how many gaps began so far.
	private boolean gapOpen = true;

	private long gapFrom = Long.MIN_VALUE;

	private long gaps;

	private boolean started;

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
		this.replay = replay;
		this.clock = clock;
		roles.trust().feedInterrupted();
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
				catchUpLater(conn);
			}
			case DISCONNECTED -> {
				gap();
				logger.warn("NATS disconnected: identity change events may be missed until it reconnects; "
						+ "role claims are looked up meanwhile");
			}
			case RECONNECTED, RESUBSCRIBED -> catchUpLater(conn);
			case CLOSED -> logger.info("NATS connection closed");
			default -> {
			}
		}
	}

	/** Events may be missed from now on (and from a little before: a silent loss is noticed late). */
	private void gap() {
		synchronized (this) {
			if (!this.gapOpen) {
				this.gapOpen = true;
				this.gapFrom = this.clock.millis() - DETECTION_MILLIS;
			}
			this.gaps++;
		}
		this.roles.trust().feedInterrupted();
	}

	private void catchUpLater(Connection conn) {
		this.catchUps.execute(() -> catchUp(conn));
	}

	/**
	 * Closes the open gap: replays its events when the stream covers it, else drops what is cached. A gap that opens
	 * meanwhile stays open, for the catch-up after it.
	 */
	private void catchUp(Connection conn) {
		long gap;
		long from;
		boolean first;
		synchronized (this) {
			if (!this.gapOpen) {
				return;
			}
			gap = this.gaps;
			from = this.gapFrom;
			first = !this.started;
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
		long now = this.clock.millis();
		long replayedFrom = replay(conn, first, from, now);
		synchronized (this) {
			if (gap != this.gaps) {
				return;
			}
			this.gapOpen = false;
			this.started = true;
		}
		if (first || replayedFrom == Long.MAX_VALUE) {
			// Trusts only what was read or issued from the start of what the replay covered (now, without one).
			long since = Math.min(replayedFrom, now);
			this.roles.gapNotReplayed(since);
			logger.info("Listening for identity changes; role claims in tokens issued from "
					+ java.time.Instant.ofEpochMilli(since) + " on count");
		}
		else {
			this.roles.trust().gapReplayed();
			logger.info("Identity events of the gap replayed from " + this.replay.stream()
					+ ": role claims count again, cached roles kept");
		}
	}

	/**
	 * Replays the gap's events (on start, what the stream holds); from when they were replayed, or
	 * {@link Long#MAX_VALUE} when they could not be.
	 */
	private long replay(Connection conn, boolean first, long from, long now) {
		if (this.replay == null) {
			return Long.MAX_VALUE;
		}
		StreamInfo info = this.replay.prepare(conn);
		if (info == null) {
			return Long.MAX_VALUE;
		}
		long replayFrom = first ? startFrom(info, now) : from;
		if (!ChangeReplay.covers(info, replayFrom, now)) {
			if (!first) {
				logger.warn("The stream " + this.replay.stream() + " does not hold the whole gap: cached roles are "
						+ "read again");
			}
			return Long.MAX_VALUE;
		}
		if (!ChangeReplay.hasEventsFrom(info, replayFrom)) {
			return replayFrom;
		}
		try {
			int count = this.replay.replay(conn, replayFrom, this::apply);
			logger.info("Replayed " + count + " identity events from " + this.replay.stream());
			return replayFrom;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Could not replay identity events from " + this.replay.stream() + ": " + ex);
			return Long.MAX_VALUE;
		}
	}

	/** On start: as far back as the stream keeps events, and not before it existed. */
	private static long startFrom(StreamInfo info, long now) {
		long created = info.getCreateTime().toInstant().toEpochMilli();
		Duration age = info.getConfiguration().getMaxAge();
		long oldest = (age == null || age.isZero()) ? created : now - age.toMillis() + DETECTION_MILLIS;
		return Math.max(created, oldest);
	}

	@Override
	public void slowConsumerDetected(Connection conn, Consumer consumer) {
		this.handler.count("dropped");
		logger.warn("NATS is dropping identity events: this instance is not keeping up; they are replayed");
		gap();
		catchUpLater(conn);
	}

	@Override
	public void messageDiscarded(Connection conn, Message message) {
		this.handler.count("dropped");
		gap();
		catchUpLater(conn);
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
	private void apply(Message message, long receivedAt) {
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
		this.catchUps.shutdownNow();
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
