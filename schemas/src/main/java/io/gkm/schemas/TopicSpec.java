package io.gkm.schemas;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A topic and the settings it is created with.
 *
 * @param name topic name
 * @param partitions number of partitions (at least 1)
 * @param replicationFactor replication factor (at least 1)
 * @param configs topic configs, e.g. {@code cleanup.policy=compact} (unmodifiable, sorted)
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be >= 1: " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor of " + name + " must be >= 1: " + replicationFactor);
        }
        configs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(configs, "configs")));
    }
}
