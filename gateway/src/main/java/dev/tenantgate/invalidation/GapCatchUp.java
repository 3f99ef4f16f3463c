package dev.tenantgate.invalidation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import dev.tenantgate.role.RoleResolver;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.StreamInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The gaps in the change feed and how each is closed: its events replayed from the stream when it holds them all
 * ({@link dev.tenantgate.trust.TrustModel#gapReplayed()}), else what is cached is dropped
 * ({@link RoleResolver#gapNotReplayed(long)}). The first subscription is a gap too, from the beginning of time: the
 * stream's last hour is replayed, so claims in tokens issued before a restart count. A gap that opens while another is
 * being closed stays open, from the older one's start, for the catch-up after it.
 */
final class GapCatchUp {

	private static final Log logger = LogFactory.getLog(GapCatchUp.class);

	private static final Duration SUBSCRIPTION_CONFIRMATION_TIMEOUT = Duration.ofSeconds(2);

	private final RoleResolver roles;

	private final @Nullable ChangeReplay replay;

	private final Clock clock;

	private final long detectionMillis;

	private final BiConsumer<Message, Long> apply;

	private static final Duration RETRY_AFTER = Duration.ofMillis(200);

	// Catch-ups block on the server (a flush, the replay): never on NATS's own threads.
	private final ScheduledExecutorService catchUps = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "tenantgate-nats-catch-up");
		thread.setDaemon(true);
		return thread;
	});

	// Guarded by this: the open gap (from when events may have been missed) and how many gaps began so far.
	private boolean gapOpen = true;

	private long gapFrom = Long.MIN_VALUE;

	private long gaps;

	private boolean started;

	/**
	 * @param detectionMillis how long a silent connection loss may go unnoticed
	 * @param apply applies a replayed event, with the time the server stored it
	 */
	GapCatchUp(RoleResolver roles, @Nullable ChangeReplay replay, Clock clock, long detectionMillis,
			BiConsumer<Message, Long> apply) {
		this.roles = roles;
		this.replay = replay;
		this.clock = clock;
		this.detectionMillis = detectionMillis;
		this.apply = apply;
		roles.trust().feedInterrupted();
	}

	/** Events may be missed from now on (and from a little before: a silent loss is noticed late). */
	void open() {
		synchronized (this) {
			if (!this.gapOpen) {
				this.gapOpen = true;
				this.gapFrom = this.clock.millis() - this.detectionMillis;
			}
			this.gaps++;
		}
		this.roles.trust().feedInterrupted();
	}

	void catchUpLater(Connection conn) {
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
			// The gap stays open (no claim counts) and is closed by the next try, or the next reconnect's.
			if (conn.getStatus() == Connection.Status.CONNECTED) {
				logger.warn("NATS did not confirm the subscriptions in time: trying again");
				this.catchUps.schedule(() -> catchUp(conn), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
			}
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
					+ Instant.ofEpochMilli(since) + " on count");
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
			int count = this.replay.replay(conn, replayFrom, this.apply);
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
	private long startFrom(StreamInfo info, long now) {
		long created = info.getCreateTime().toInstant().toEpochMilli();
		Duration age = info.getConfiguration().getMaxAge();
		long oldest = (age == null || age.isZero()) ? created : now - age.toMillis() + this.detectionMillis;
		return Math.max(created, oldest);
	}

	void stop() {
		this.catchUps.shutdownNow();
	}

}
