package io.gkm.ingest.webhook;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.ingest.admission.CacheAdmission;
import io.gkm.ingest.admission.DigestResolver;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.oci.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Resolves {@code spec.image} in its registry with the verifier's {@link RegistryClient} (used when
 * Kyverno verification is disabled): a tag by a HEAD of its manifest, a pinned digest by fetching
 * the manifest it names (so that a digest the registry does not hold fails, as GKM's look-up does).
 * Credentials come from {@code GKM_REGISTRY_AUTH_FILE}, else docker's {@code config.json}.
 *
 * <p>The client blocks, so look-ups run on threads of their own, never on the webhook's event loop;
 * each gives up when its budget is spent, and a transient failure (unreachable, 429, 5xx) is
 * retried inside the budget, as GKM's go-containerregistry client does.
 */
public final class RegistryDigestResolver implements DigestResolver, AutoCloseable {
    /** Look-ups running at once; more wait for a thread (their budget keeps running). */
    static final int THREADS = 8;
    /** Look-ups waiting for a thread before new ones fail at once. */
    static final int MAX_WAITING = 1_000;
    /** Three tries, 250 ms then 500 ms apart; a Retry-After over 2 s is not waited for. */
    static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(1),
            Duration.ofSeconds(2));

    private final RegistryClient registry;
    private final BlockingWork lookups = new BlockingWork("gkm-digest-resolver", THREADS, MAX_WAITING);

    public RegistryDigestResolver(RegistryClient registry) {
        this.registry = registry;
    }

    /**
     * A resolver with the registry settings of {@code config} ({@link RegistrySettings}); no request
     * waits longer than GKM's budget of {@link CacheAdmission#DIGEST_RESOLUTION_BUDGET}.
     */
    public static RegistryDigestResolver fromConfig(GkmConfig config) {
        return new RegistryDigestResolver(registryWithin(config, CacheAdmission.DIGEST_RESOLUTION_BUDGET));
    }

    /**
     * A registry client with the settings of {@code config} whose requests wait at most
     * {@code budget} (less if {@code GKM_REGISTRY_TIMEOUT} says so), retrying transient failures
     * with {@link #RETRIES}: for work that must answer within an admission's budget.
     */
    static RegistryClient registryWithin(GkmConfig config, Duration budget) {
        Duration timeout = config.get(RegistrySettings.REGISTRY_TIMEOUT);
        return RegistryClient.builder()
                .configure(config)
                .timeout(timeout.compareTo(budget) < 0 ? timeout : budget)
                .retryPolicy(RETRIES)
                .build();
    }

    @Override
    public CompletionStage<String> resolve(String image, Duration budget) {
        return lookups.submit(() -> digestOf(ImageReference.parse(image)).toString(), "registry look-ups")
                .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Digest digestOf(ImageReference image) {
        return image.digest().isPresent()
                ? registry.fetchManifest(image.withDigest(image.digest().get())).digest()
                : registry.resolve(image);
    }

    /** Stops the look-up threads; look-ups still running are abandoned. */
    @Override
    public void close() {
        lookups.close();
    }
}
