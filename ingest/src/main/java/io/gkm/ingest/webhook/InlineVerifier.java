package io.gkm.ingest.webhook;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.CacheObject;
import io.gkm.ingest.admission.ImageVerifier;
import io.gkm.ingest.admission.InlineVerification;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.policy.ClusterPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Verifies a cache's image in the webhook with the verifier library ({@code GKM_INLINE_VERIFY}):
 * the resource's kind, name, namespace and labels select the policies, as Kyverno would select them.
 *
 * <p>The verifier blocks on the registry, so verifications run on threads of their own, never on
 * the webhook's event loop. The caller bounds each answer by its budget; when the budget runs out
 * the verification's thread is interrupted and the registry client stops there, so a registry
 * that accepts connections and never answers holds a thread no longer than the budget. Admissions
 * beyond the {@value #THREADS} threads wait (at most {@value #MAX_WAITING}), their budget running.
 */
public final class InlineVerifier implements ImageVerifier, AutoCloseable {
    /** Verifications running at once; more wait for a thread (their budget keeps running). */
    static final int THREADS = 8;
    /** Verifications waiting for a thread before new ones fail at once. */
    static final int MAX_WAITING = 1_000;

    private final Verifier verifier;
    private final String cluster;
    private final BlockingWork work = new BlockingWork("gkm-inline-verifier", THREADS, MAX_WAITING);

    public InlineVerifier(Verifier verifier, String cluster) {
        this.verifier = verifier;
        this.cluster = cluster;
    }

    /**
     * A verifier of {@code policies} with the registry settings ({@code RegistrySettings}) and
     * Sigstore trust ({@code VerifierSettings}) of {@code config}; no registry request waits longer
     * than {@code budget}.
     */
    public static InlineVerifier fromConfig(GkmConfig config, List<ClusterPolicy> policies, Duration budget) {
        return new InlineVerifier(Verifier.builder()
                .policies(policies)
                .registry(RegistryDigestResolver.registryWithin(config, budget))
                .configure(config)
                .build(), config.get(Settings.CLUSTER));
    }

    @Override
    public CompletionStage<InlineVerification> verify(CacheKind kind, CacheObject object) {
        // Built on the worker too: a resource the verifier cannot read (no name yet) fails the verification, not the caller.
        return work.submit(() -> verification(verifier.verify(VerificationRequest.of(cluster, kind.kind(),
                kind.namespaced() ? object.namespace() : null, object.name(), object.labels(), object.image()))),
                "image verifications");
    }

    /** The verifier's result as admission reads it. */
    static InlineVerification verification(VerificationResult result) {
        String policy = result.getPolicyName() + (result.getRuleName() == null ? "" : "/" + result.getRuleName());
        return switch (result.getVerdict()) {
            case VERIFIED -> new InlineVerification(InlineVerification.Outcome.VERIFIED, result.getImageDigest(),
                    policy, result.getReasons());
            case REJECTED -> new InlineVerification(InlineVerification.Outcome.REJECTED, null, policy,
                    result.getReasons());
            case ERROR -> new InlineVerification(InlineVerification.Outcome.ERROR, null, policy, result.getReasons());
        };
    }

    /** Stops the verification threads; verifications still running are abandoned. */
    @Override
    public void close() {
        work.close();
    }
}
