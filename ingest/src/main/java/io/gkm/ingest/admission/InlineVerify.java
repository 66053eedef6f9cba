package io.gkm.ingest.admission;

/**
 * Which kinds the webhook verifies itself with the verifier library ({@code GKM_INLINE_VERIFY}),
 * while Kyverno verification is enabled: Kyverno never verifies a cluster-scoped ClusterGKMCache.
 */
public enum InlineVerify {
    /** Neither: ClusterGKMCaches are denied, GKMCaches need Kyverno's annotation (GKM's seed behaviour). */
    OFF,
    /** ClusterGKMCache; GKMCaches still need Kyverno's annotation. */
    CLUSTER,
    /** Both kinds; Kyverno's annotation is not needed, nor read. */
    ALL;

    public boolean covers(CacheKind kind) {
        return switch (this) {
            case OFF -> false;
            case CLUSTER -> kind == CacheKind.CLUSTER_GKM_CACHE;
            case ALL -> true;
        };
    }

    /** Whether any kind is covered. */
    public boolean on() {
        return this != OFF;
    }
}
