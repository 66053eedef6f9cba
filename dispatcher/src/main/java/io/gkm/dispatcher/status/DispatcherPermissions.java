package io.gkm.dispatcher.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gkm.ingest.model.ClusterGKMCacheNode;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.ingest.model.GkmApi;
import io.gkm.ingest.watch.KubernetesPermissions.Rule;
import java.util.List;

/**
 * The Kubernetes API calls the dispatcher makes ({@link CacheNodeStatusWriter}), as RBAC rules:
 * deploy should grant exactly these, in a ClusterRole (GKMCacheNodes live in every namespace that
 * has a GKMCache; ClusterGKMCacheNodes are cluster-scoped). Change this list in the same change as
 * the calls; {@code CacheNodeStatusWriterIT} compares it with the calls really made.
 *
 * <ul>
 *   <li>list the node's object by GKM's label {@code kubernetes.io/hostname=<node>}, as GKM's agent
 *       finds it (GKM names it with a generated suffix);</li>
 *   <li>create it, named after the node, when there is none;</li>
 *   <li>update its status subresource (a PUT holding the resourceVersion read, so a concurrent
 *       writer makes it fail with 409 and the result is applied again to the fresh object).</li>
 * </ul>
 */
public final class DispatcherPermissions {
    private DispatcherPermissions() {
    }

    public static final List<Rule> DISPATCHER = List.of(
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(GKMCacheNode.class), List.of("list", "create")),
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(GKMCacheNode.class) + "/status", List.of("update")),
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(ClusterGKMCacheNode.class), List.of("list", "create")),
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(ClusterGKMCacheNode.class) + "/status", List.of("update")));
}
