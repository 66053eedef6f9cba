package io.gkm.ingest.admission;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Resolves an image reference to the digest of its manifest in the registry, with the registry
 * credentials of the process (docker config). Used only when Kyverno verification is disabled, as
 * GKM does. Implemented with the verifier's registry client by
 * {@link io.gkm.ingest.webhook.RegistryDigestResolver}.
 */
public interface DigestResolver {
    /**
     * @param image a tag or digest reference, as in {@code spec.image}
     * @param budget how long the look-up may take in all
     * @return the {@code sha256:<hex>} digest; fails with an exception whose message says what went
     *     wrong (unknown image, registry unreachable, not authorised, timed out)
     */
    CompletionStage<String> resolve(String image, Duration budget);
}
