package io.gkm.ingest.watch;

import io.gkm.schemas.ResourceKey;
import java.util.Set;

/**
 * What this ingest watches: ClusterGKMCaches and the GKMCaches of some namespaces (all when none
 * are named) of one cluster.
 */
public record WatchScope(String cluster, Set<String> namespaces) {
    public WatchScope {
        namespaces = Set.copyOf(namespaces);
    }

    public boolean allNamespaces() {
        return namespaces.isEmpty();
    }

    /** Whether a resource with this key is watched, and so must be reported deleted when it is gone. */
    public boolean covers(ResourceKey key) {
        return key.cluster().equals(cluster)
                && (key.isClusterScoped() || allNamespaces() || namespaces.contains(key.namespace()));
    }
}
