package dev.tenantgate.config;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The identity change events ({@code tenantgate.nats.*}).
 *
 * @param enabled whether to subscribe at all; without events, cached roles change only when their TTL ends
 * @param url the NATS server
 * @param subjectPrefix the deployment prefix of the subjects, e.g. {@code prod.}; empty by default
 * @param deduplicationWindow how long event ids are remembered to drop duplicates
 */
@Validated
@ConfigurationProperties("tenantgate.nats")
public record NatsProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("nats://127.0.0.1:4222") @NotBlank String url, @DefaultValue("") String subjectPrefix,
		@DefaultValue("10m") Duration deduplicationWindow) {
}
