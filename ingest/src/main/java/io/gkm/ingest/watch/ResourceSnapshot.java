package io.gkm.ingest.watch;

import io.gkm.schemas.ResourceKey;
import java.util.Map;
import java.util.Objects;

/**
 * A GKMCache or ClusterGKMCache as the informer saw it.
 *
 * @param key its resource key
 * @param uid metadata.uid ("" when the API server gave none)
 * @param resourceVersion metadata.resourceVersion
 * @param generation metadata.generation (0 when absent)
 * @param spec the spec as JSON
 */
public record ResourceSnapshot(ResourceKey key, String uid, String resourceVersion, long generation, String spec,
                               Map<String, String> labels, Map<String, String> annotations) {
    public ResourceSnapshot {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(resourceVersion, "resourceVersion");
        Objects.requireNonNull(spec, "spec");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
