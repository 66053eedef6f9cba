package io.gkm.ingest.admission;

import io.gkm.ingest.model.GkmApi;
import java.util.Optional;

/** The two GKM resources that name a cache image, and what admission needs to know about each. */
public enum CacheKind {
    GKM_CACHE("GKMCache", "gkmcache", true),
    CLUSTER_GKM_CACHE("ClusterGKMCache", "clustergkmcache", false);

    private final String kind;
    private final String singular;
    private final boolean namespaced;

    CacheKind(String kind, String singular, boolean namespaced) {
        this.kind = kind;
        this.singular = singular;
        this.namespaced = namespaced;
    }

    /** The Kubernetes kind, e.g. {@code GKMCache}. */
    public String kind() {
        return kind;
    }

    public boolean namespaced() {
        return namespaced;
    }

    /** GKM's mutating webhook path, e.g. {@code /mutate-gkm-io-v1alpha1-gkmcache}. */
    public String mutatePath() {
        return "/mutate-gkm-io-" + GkmApi.VERSION + "-" + singular;
    }

    /** GKM's validating webhook path, e.g. {@code /validate-gkm-io-v1alpha1-gkmcache}. */
    public String validatePath() {
        return "/validate-gkm-io-" + GkmApi.VERSION + "-" + singular;
    }

    /** The kind with this group, version and kind name, if it is one of GKM's cache kinds. */
    public static Optional<CacheKind> of(String group, String version, String kind) {
        if (!GkmApi.GROUP.equals(group) || !GkmApi.VERSION.equals(version)) {
            return Optional.empty();
        }
        for (CacheKind k : values()) {
            if (k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
