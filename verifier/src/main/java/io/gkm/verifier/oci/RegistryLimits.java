package io.gkm.verifier.oci;

import java.util.EnumMap;
import java.util.Map;

/** The {@link RegistryLimit} values a {@link RegistryClient} enforces; immutable. */
public final class RegistryLimits {
    private final Map<RegistryLimit, Long> values;

    private RegistryLimits(Map<RegistryLimit, Long> values) {
        this.values = values;
    }

    /** Every limit at its default (manifest 4 MiB, signature layer 1 MiB, bundle 10 MiB, 50 referrers, 1,000 signature layers). */
    public static RegistryLimits defaults() {
        Map<RegistryLimit, Long> values = new EnumMap<>(RegistryLimit.class);
        for (RegistryLimit limit : RegistryLimit.values()) {
            values.put(limit, limit.defaultValue());
        }
        return new RegistryLimits(values);
    }

    /** A copy with {@code limit} set to {@code value} (at least 1). */
    public RegistryLimits with(RegistryLimit limit, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(limit + " must be at least 1, got " + value);
        }
        Map<RegistryLimit, Long> copy = new EnumMap<>(values);
        copy.put(limit, value);
        return new RegistryLimits(copy);
    }

    public long get(RegistryLimit limit) {
        return values.get(limit);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
