package io.gkm.ingest.admission;

import java.util.concurrent.CompletionStage;

/**
 * Verifies a cache's image against the Kyverno policies, as the resource names it, for the kinds
 * the webhook verifies itself ({@link InlineVerify}). Implemented with the verifier library by
 * {@link io.gkm.ingest.webhook.InlineVerifier}.
 */
public interface ImageVerifier {
    /**
     * @param kind the resource's kind, which policies match
     * @param object the resource, whose name, namespace, labels and {@code spec.image} policies read
     * @return the verdict; REJECTED and ERROR are verdicts too, with the verifier's reasons
     */
    CompletionStage<InlineVerification> verify(CacheKind kind, CacheObject object);
}
