package dev.tenantgate.invalidation;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantgate.role.MembershipKey;
import dev.tenantgate.role.RoleResolver;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Applies an identity change to the role caches: the affected entries are dropped in this instance and in Redis,
 * and the change time is recorded, so tokens issued before it no longer count as proof of their role claims.
 * Duplicates (same {@code eventId}) are dropped; reordered events are harmless because change times only move
 * forward and dropping an entry twice is a no-op.
 */
public final class IdentityEventHandler {

	private final RoleResolver roles;

	private final Cache<String, Boolean> seen;

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	private final Clock clock;

	private volatile @Nullable MeterRegistry registry;

	public IdentityEventHandler(RoleResolver roles, Duration deduplicationWindow, Clock clock) {
		this.roles = roles;
		this.clock = clock;
		this.seen = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(deduplicationWindow).build();
	}

	/** Applies an event received now. */
	public Mono<Void> handle(IdentityEvent event) {
		return handle(event, this.clock.millis());
	}

	/**
	 * Applies an event received at {@code receivedAt} (for a replayed event: when the server stored it).
	 */
	public Mono<Void> handle(IdentityEvent event, long receivedAt) {
		if (event.eventId() != null && this.seen.asMap().putIfAbsent(event.eventId(), Boolean.TRUE) != null) {
			count("duplicate");
			return Mono.empty();
		}
		count(event.type().subject());
		// The later of the publisher's commit time and the receive time: safe against a publisher clock that runs
		// behind (a read that began before the commit must never count as newer than the change).
		long changedAt = Math.max(event.occurredAt(), receivedAt);
		return switch (event.type()) {
			case MEMBER_ROLE_CHANGED, MEMBER_REMOVED, MEMBER_ADDED ->
				this.roles.membershipChanged(new MembershipKey(event.userId(), event.organizationId()), changedAt);
			case ORGANIZATION_DELETED -> this.roles.organizationChanged(event.organizationId(), changedAt);
			case USER_ROLE_CHANGED, USER_BANNED, USER_UNBANNED, USER_DELETED -> this.roles.userChanged(event.userId(), changedAt);
		};
	}

	/** Counts a message outcome: a subject, {@code duplicate}, {@code malformed} or {@code failed}. */
	public void count(String outcome) {
		this.counts.computeIfAbsent(outcome, (key) -> new AtomicLong()).incrementAndGet();
		MeterRegistry registry = this.registry;
		if (registry != null) {
			registry.counter("tenantgate.nats.messages", "outcome", outcome).increment();
		}
	}

	/** Also counts messages as {@code tenantgate.nats.messages} by outcome (subject, duplicate, malformed...). */
	public void setMeterRegistry(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Messages by outcome since start-up. */
	public Map<String, Long> counts() {
		Map<String, Long> snapshot = new java.util.TreeMap<>();
		this.counts.forEach((outcome, count) -> snapshot.put(outcome, count.get()));
		return snapshot;
	}

}
