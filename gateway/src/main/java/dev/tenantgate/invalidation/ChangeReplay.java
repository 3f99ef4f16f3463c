package dev.tenantgate.invalidation;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiConsumer;

import io.nats.client.BaseConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The identity events of a gap, read back from a JetStream stream that captures the change subjects (a stream stores
 * plain publishes too, so the Better Auth side publishes as before). Core NATS delivers at most once: what an
 * instance missed while disconnected, or dropped as a slow consumer, is here, and replaying it spares the instance
 * from dropping everything it cached.
 * <p>
 * A replay is refused ({@link #covers} is false) when the stream cannot hold the whole gap: it is missing, was
 * created after the gap began, its messages of the gap may have expired, or its size limits may have discarded some.
 */
public final class ChangeReplay {

	private static final Log logger = LogFactory.getLog(ChangeReplay.class);

	private static final int BATCH = 1000;

	// The shortest wait the client accepts (1 s): a shorter one fails every fetch, and with it every replay.
	private static final long FETCH_WAIT_MILLIS = BaseConsumeOptions.MIN_EXPIRES_MILLS;

	private final String stream;

	private final List<String> subjects;

	private final Duration maxAge;

	private final StorageType storage;

	private final boolean create;

	/**
	 * @param stream the stream's name
	 * @param subjects the change subjects it captures
	 * @param maxAge how long it keeps events, when this instance creates it
	 * @param storage where it keeps them, when this instance creates it
	 * @param create whether to create the stream when it is missing
	 */
	public ChangeReplay(String stream, List<String> subjects, Duration maxAge, StorageType storage, boolean create) {
		this.stream = stream;
		this.subjects = subjects;
		this.maxAge = maxAge;
		this.storage = storage;
		this.create = create;
	}

	String stream() {
		return this.stream;
	}

	/** The stream's state, creating the stream first when it is missing and that is allowed; null when unavailable. */
	StreamInfo prepare(Connection conn) {
		try {
			JetStreamManagement management = conn.jetStreamManagement();
			try {
				return management.getStreamInfo(this.stream);
			}
			catch (JetStreamApiException ex) {
				if (!this.create || ex.getApiErrorCode() != 10059) {
					throw ex;
				}
			}
			StreamInfo created = management.addStream(StreamConfiguration.builder()
				.name(this.stream)
				.subjects(this.subjects)
				.storageType(this.storage)
				.maxAge(this.maxAge)
				.build());
			logger.info("Created the JetStream stream " + this.stream + " on " + this.subjects
					+ ": identity events missed during a gap are replayed from it");
			return created;
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			logger.warn("No JetStream stream " + this.stream + " to replay identity events from (" + ex.getMessage()
					+ "): after a gap, cached roles are read again instead");
			return null;
		}
	}

	/** Whether the stream holds every event published from {@code from} (epoch ms) until now. */
	static boolean covers(StreamInfo info, long from, long now) {
		StreamConfiguration config = info.getConfiguration();
		if (info.getCreateTime().toInstant().toEpochMilli() > from) {
			return false;
		}
		Duration age = config.getMaxAge();
		if (age != null && !age.isZero() && now - from >= age.toMillis()) {
			return false;
		}
		boolean limited = config.getMaxMsgs() > 0 || config.getMaxBytes() > 0 || config.getMaxMsgsPerSubject() > 0;
		StreamState state = info.getStreamState();
		// With size limits, only a message older than the gap still stored proves none of the gap was discarded.
		return !limited || (state.getMsgCount() > 0 && state.getFirstTime().toInstant().toEpochMilli() <= from);
	}

	/**
	 * Hands every event stored from {@code from} on to {@code apply} (the message, and when the server stored it in
	 * epoch ms), oldest first, until the stream has no more.
	 * @return how many were replayed
	 */
	int replay(Connection conn, long from, BiConsumer<Message, Long> apply) throws Exception {
		OrderedConsumerConfiguration configuration = new OrderedConsumerConfiguration()
			.deliverPolicy(DeliverPolicy.ByStartTime)
			.startTime(Instant.ofEpochMilli(from).atZone(ZoneOffset.UTC));
		// A server before 2.10 takes one filter subject at most: there, the whole stream is read, other subjects skipped.
		boolean filtered = conn.getServerInfo().isSameOrNewerThanVersion("2.10.0");
		if (filtered) {
			configuration.filterSubjects(this.subjects);
		}
		OrderedConsumerContext consumer = conn.getStreamContext(this.stream).createOrderedConsumer(configuration);
		int replayed = 0;
		for (;;) {
			try (FetchConsumer fetch = consumer
				.fetch(FetchConsumeOptions.builder().maxMessages(BATCH).expiresIn(FETCH_WAIT_MILLIS).build())) {
				Message message = fetch.nextMessage();
				if (message == null) {
					return replayed;
				}
				while (message != null) {
					if (filtered || this.subjects.contains(message.getSubject())) {
						apply.accept(message, message.metaData().timestamp().toInstant().toEpochMilli());
						replayed++;
					}
					if (message.metaData().pendingCount() == 0) {
						return replayed;
					}
					message = fetch.nextMessage();
				}
			}
		}
	}

	/** Whether the stream stored anything at or after {@code from}. */
	static boolean hasEventsFrom(StreamInfo info, long from) {
		StreamState state = info.getStreamState();
		return state.getMsgCount() > 0 && state.getLastTime() != null
				&& state.getLastTime().toInstant().toEpochMilli() >= from;
	}

}
