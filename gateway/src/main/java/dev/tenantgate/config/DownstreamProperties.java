package dev.tenantgate.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The proxied call to the downstream services ({@code tenantgate.downstream.*}).
 *
 * @param connectTimeout the longest the gateway waits to open a connection to a downstream service; the client then
 * gets 502 {@code downstream_unavailable}. Set once on the HTTP client: Spring Cloud Gateway's own
 * {@code httpclient.connect-timeout} (and a route's {@code connect-timeout} metadata) still work, but copy the client's
 * whole configuration on every request to apply it.
 * @param responseTimeout the longest a downstream may stay silent while the gateway waits for its response, from the
 * request sent to the response's last byte; the client then gets 504 {@code downstream_timeout}. 0 for no limit.
 * Spring Cloud Gateway's own {@code httpclient.response-timeout} (a total time, per route too) still works, but
 * schedules a timer on another thread for every request; this one is a read timeout on the connection's own event
 * loop.
 * @param singleWriteMaxSize a downstream response whose {@code Content-Length} is at most this is collected and sent
 * to the client with its headers in one write, instead of headers and body in two; 0 streams every response
 * @param poolPerEventLoop whether each event loop keeps its own downstream connections (with Spring Cloud Gateway's
 * default elastic pool), so that a proxied request stays on the thread that received it; off, one pool is shared
 */
@Validated
@ConfigurationProperties("tenantgate.downstream")
public record DownstreamProperties(@DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("30s") Duration responseTimeout,
		@DefaultValue("16KB") DataSize singleWriteMaxSize, @DefaultValue("true") boolean poolPerEventLoop) {

	private static final DataSize SINGLE_WRITE_LIMIT = DataSize.ofMegabytes(1);

	private static final Duration CONNECT_TIMEOUT_LIMIT = Duration.ofMillis(Integer.MAX_VALUE);

	public DownstreamProperties {
		if (connectTimeout.toMillis() < 1 || connectTimeout.compareTo(CONNECT_TIMEOUT_LIMIT) > 0) {
			throw new IllegalArgumentException(
					"tenantgate.downstream.connect-timeout must be between 1ms and 24 days, not " + connectTimeout);
		}
		if (responseTimeout.isNegative()) {
			throw new IllegalArgumentException(
					"tenantgate.downstream.response-timeout must not be negative, not " + responseTimeout);
		}
		if (singleWriteMaxSize.isNegative() || singleWriteMaxSize.compareTo(SINGLE_WRITE_LIMIT) > 0) {
			throw new IllegalArgumentException(
					"tenantgate.downstream.single-write-max-size must be between 0 and 1MB, not " + singleWriteMaxSize);
		}
	}

}
