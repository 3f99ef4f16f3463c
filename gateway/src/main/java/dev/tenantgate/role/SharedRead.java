package dev.tenantgate.role;

import org.jspecify.annotations.Nullable;

/**
 * What the shared tier holds for one key, read in one round trip with the change times of its keys: the caller
 * judges it ({@link dev.tenantgate.trust.TrustModel#sharedEntryCounts}).
 *
 * @param value the entry, or {@code null} when there is none (or it does not decode)
 * @param readStartedAt the entry's stamp: when the database read that produced it began
 * @param firstChange the recorded change time of the entry's first change key (0: none)
 * @param secondChange the recorded change time of its second change key, if it has one (0: none)
 * @param <V> the value
 */
public record SharedRead<V>(@Nullable V value, long readStartedAt, long firstChange, long secondChange) {
}
