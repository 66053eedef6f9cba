package io.gkm.ingest.webhook;

import io.gkm.ingest.admission.CacheKind;
import java.util.ArrayList;
import java.util.List;

/**
 * One of GKM's four webhook paths: a cache kind and whether it mutates or validates.
 *
 * @param kind the kind the path admits
 * @param mutating true for {@code /mutate-...}, false for {@code /validate-...}
 */
public record WebhookPath(CacheKind kind, boolean mutating) {
    /** GKM's paths, e.g. {@code /mutate-gkm-io-v1alpha1-gkmcache}. */
    public String path() {
        return mutating ? kind.mutatePath() : kind.validatePath();
    }

    /** {@code mutate} or {@code validate}, for metrics and audit details. */
    public String webhook() {
        return mutating ? "mutate" : "validate";
    }

    public static List<WebhookPath> all() {
        List<WebhookPath> all = new ArrayList<>();
        for (CacheKind kind : CacheKind.values()) {
            all.add(new WebhookPath(kind, true));
            all.add(new WebhookPath(kind, false));
        }
        return all;
    }
}
