package dev.tenantgate.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The identity change events ({@code tenantgate.nats.*}).
 *
 * @param enabled whether to subscribe at all; without events, cached roles change only when their TTL ends, and a
 * role claim counts only while the token is younger than {@code tenantgate.roles.local.ttl}
 * @param url the NATS server
 * @param subjectPrefix the deployment prefix of the subjects, e.g. {@code prod.}; empty by default
 * @param deduplicationWindow how long event ids are remembered to drop duplicates
 * @param replay the JetStream stream that gaps in the events are replayed from
 */
@Validated
@ConfigurationProperties("tenantgate.nats")
public record NatsProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("nats://127.0.0.1:4222") @NotBlank String url, @DefaultValue("") String subjectPrefix,
		@DefaultValue("10m") Duration deduplicationWindow, @DefaultValue @Valid Replay replay) {

	/**
	 * @param enabled whether missed events are replayed from a JetStream stream; without it (or without JetStream on
	 * the server) every gap drops the cached roles, which are read again
	 * @param stream the stream's name; empty: {@code TENANTGATE_IDENTITY}, followed by the subject prefix with every
	 * character that a stream name cannot hold replaced by {@code _}
	 * @param create whether the gateway creates the stream when it is missing (it needs JetStream permissions then)
	 * @param maxAge how long a stream the gateway creates keeps events: the longest gap that can be replayed, and how
	 * far back a starting instance replays (at least the longest token lifetime, so claims in tokens issued before a
	 * restart count)
	 * @param storage where a stream the gateway creates keeps events: {@code file} (survives a NATS restart) or
	 * {@code memory}
	 */
	public record Replay(@DefaultValue("true") boolean enabled, @DefaultValue("") String stream,
			@DefaultValue("true") boolean create, @DefaultValue("1h") Duration maxAge,
			@DefaultValue("file") Storage storage) {

		/** The stream's name for the subject prefix. */
		String streamName(String subjectPrefix) {
			if (!this.stream.isBlank()) {
				return this.stream;
			}
			String suffix = subjectPrefix.replaceAll("[^A-Za-z0-9_-]", "_");
			return "TENANTGATE_IDENTITY" + (suffix.isEmpty() ? "" : "_" + suffix);
		}

	}

	/** Where a stream keeps its messages. */
	public enum Storage {

		FILE, MEMORY

	}

}
