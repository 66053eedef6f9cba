package io.gkm.ingest.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gkm.ingest.model.ClusterGKMCache;
import io.gkm.ingest.model.GKMCache;
import io.gkm.ingest.model.GkmApi;
import java.util.List;
import java.util.Objects;

/**
 * The Kubernetes API calls ingest makes, as RBAC rules: the ClusterRole in {@code deploy/} grants
 * exactly these and nothing else (deploy's tests compare the two, and record the calls the code
 * really makes against an API server). Change this list in the same change as the calls.
 *
 * <ul>
 *   <li>{@link CacheWatch}: fabric8 informers on GKMCache (every namespace, or one informer per
 *       namespace of {@code GKM_WATCH_NAMESPACES}) and on ClusterGKMCache: list, then watch;
 *   <li>{@link KubernetesAccess#unanswered}: lists one ClusterGKMCache to probe the API server.
 * </ul>
 *
 * <p>The webhook needs no Kubernetes permission: the API server calls it.
 */
public final class KubernetesPermissions {
    private KubernetesPermissions() {
    }

    /**
     * One RBAC rule: verbs on one resource of one API group.
     *
     * @param apiGroup API group ({@code ""} for the core group)
     * @param resource resource name as in RBAC (the plural)
     * @param verbs    verbs, in the order RBAC rules list them
     */
    public record Rule(String apiGroup, String resource, List<String> verbs) {
        public Rule {
            Objects.requireNonNull(apiGroup, "apiGroup");
            Objects.requireNonNull(resource, "resource");
            verbs = List.copyOf(verbs);
        }
    }

    /** Every rule ingest's ServiceAccount needs, cluster-wide (ClusterGKMCache is cluster-scoped). */
    public static final List<Rule> INGEST = List.of(
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(GKMCache.class), List.of("list", "watch")),
            new Rule(GkmApi.GROUP, HasMetadata.getPlural(ClusterGKMCache.class), List.of("list", "watch")));
}
