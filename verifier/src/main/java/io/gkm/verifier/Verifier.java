package io.gkm.verifier;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.ImageEvidence.SignatureSearch;
import io.gkm.verifier.SignatureCheck.ConfiguredTrust;
import io.gkm.verifier.SignatureCheck.EntryCheck;
import io.gkm.verifier.VerdictDecision.TargetVerdict;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.policy.AttestorSet;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.ImageOutcome;
import io.gkm.verifier.policy.PolicyEngine;
import io.gkm.verifier.policy.PolicyEvaluation;
import io.gkm.verifier.policy.SignatureType;
import io.gkm.verifier.trust.TrustRoot;
import io.gkm.verifier.trust.VerificationException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the images of a GKMCache or ClusterGKMCache against Kyverno {@code ClusterPolicy}
 * image verification rules, independently of Kyverno: the entry point of this module.
 *
 * <pre>{@code
 * // A folder of ClusterPolicy YAML files (deploy/kyverno/policies only names GKM's by URL,
 * // which PolicyLoader refuses: render it with kubectl kustomize first).
 * Verifier verifier = Verifier.builder()
 *         .policies(PolicyLoader.load(Path.of("policies")))
 *         .trustRoot(TrustRootSource.file(Path.of("trusted_root.json")))
 *         .registry(RegistryClient.builder().build())
 *         .build();
 * VerificationResult result = verifier.verify(VerificationRequest.of("prod", "GKMCache", "team-a", "llama",
 *         Map.of("gkm.io/signature-format", "cosign-v3"), "quay.io/gkm/cache:rocm"));
 * }</pre>
 *
 * <p>One verification: decide which rules and {@code verifyImages} entries apply (pure,
 * {@link PolicyEngine}); fetch what the registry holds for each image (the only I/O besides
 * loading the trust root on first need: manifest and digest double-check, config labels,
 * signatures of the formats asked for); check each attestor entry against the signatures
 * (cryptography, pure); decide the verdict ({@link VerdictDecision}, pure). Never throws for a
 * registry, signature or trust root problem: those are verdicts, REJECTED or ERROR, with reasons.
 * {@link #collect} (policy and registry) and {@link #decide} (the rest) are its two halves.
 * Thread-safe; share one per process, with one {@link RegistryClient}, whose
 * {@link RegistryClient#requestCount()} counts the registry requests made.
 */
public final class Verifier {
    private final PolicyEngine engine;
    private final EvidenceCollector collector;
    private final Optional<TrustRootSource> trust;
    private final Clock clock;

    private Verifier(Builder builder) {
        this.engine = new PolicyEngine(builder.policies);
        this.collector = new EvidenceCollector(builder.registry);
        this.trust = Optional.ofNullable(builder.trust);
        this.clock = builder.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The verdict on {@code request}'s images, with its reasons and per-phase timings. */
    public VerificationResult verify(VerificationRequest request) {
        return decide(collect(request));
    }

    /**
     * The first part of {@link #verify}: which policies apply (pure) and what the registry holds
     * for each image they verify (the I/O). {@link #decide} makes the verdict from it.
     */
    public Evidence collect(VerificationRequest request) {
        long start = System.nanoTime();
        PhaseTimer timer = new PhaseTimer();
        PolicyEvaluation evaluation = timer.time("policy", () -> engine.evaluate(request.resource()));
        Map<ImageReference, Set<SignatureType>> wanted = new LinkedHashMap<>();
        for (ImageOutcome target : evaluation.toVerify()) {
            if (VerdictDecision.beforeRegistry(target).isEmpty()) {
                wanted.computeIfAbsent(target.image().reference(), image -> EnumSet.noneOf(SignatureType.class))
                        .add(target.verification().type());
            }
        }
        Map<ImageReference, ImageEvidence> evidence = new LinkedHashMap<>();
        wanted.forEach((image, types) ->
                evidence.put(image, collector.collect(image, request.originalTag(), types, timer)));
        return new Evidence(request, evaluation, evidence, timer, System.nanoTime() - start);
    }

    /**
     * The second part of {@link #verify}, with no I/O but loading the trust root on first need:
     * signature checks and the verdict over {@code evidence} from {@link #collect} of this
     * verifier. Deciding the same evidence again gives the same verdict, at the time it is made.
     */
    public VerificationResult decide(Evidence evidence) {
        long start = System.nanoTime();
        PhaseTimer timer = evidence.timer.copy();
        PolicyEvaluation evaluation = evidence.evaluation;
        Map<ImageOutcome, TargetVerdict> verdicts = new LinkedHashMap<>();
        List<ImageOutcome> toCheck = new ArrayList<>();
        for (ImageOutcome target : evaluation.toVerify()) {
            Optional<TargetVerdict> early = VerdictDecision.beforeRegistry(target)
                    .or(() -> VerdictDecision.beforeSignatures(target, evidence.images.get(target.image().reference())));
            if (early.isPresent()) {
                verdicts.put(target, early.get());
            } else {
                toCheck.add(target);
            }
        }
        ConfiguredTrust configured = trustFor(toCheck, timer);
        for (ImageOutcome target : toCheck) {
            long verifyStart = System.nanoTime();
            ImageEvidence found = evidence.images.get(target.image().reference());
            SignatureSearch search = found.signatures().get(target.verification().type());
            Digest digest = found.digest().orElseThrow().digest();
            List<List<EntryCheck>> checks = new ArrayList<>();
            for (AttestorSet set : target.verification().attestors()) {
                checks.add(SignatureCheck.checkSet(set, search, digest, configured, clock));
            }
            verdicts.put(target, VerdictDecision.attestors(target, found, checks));
            timer.record("verify", verifyStart);
        }

        List<TargetVerdict> ordered = evaluation.toVerify().stream().map(verdicts::get).toList();
        VerdictDecision.Decision decision = VerdictDecision.decide(evaluation, ordered);
        timer.record("total", start - evidence.collectNanos);
        return VerdictDecision.result(evidence.request, decision, timer.millis(), clock.instant());
    }

    /**
     * What {@link #collect} found for one request: the policies' evaluation and the registry's
     * answers per image. Immutable; for {@link #decide} of the verifier that collected it.
     */
    public static final class Evidence {
        private final VerificationRequest request;
        private final PolicyEvaluation evaluation;
        private final Map<ImageReference, ImageEvidence> images;
        private final PhaseTimer timer;
        private final long collectNanos;

        private Evidence(VerificationRequest request, PolicyEvaluation evaluation,
                Map<ImageReference, ImageEvidence> images, PhaseTimer timer, long collectNanos) {
            this.request = request;
            this.evaluation = evaluation;
            this.images = Map.copyOf(images);
            this.timer = timer.copy();
            this.collectNanos = collectNanos;
        }
    }

    /** The configured trust root, loaded only when an entry to check needs it. */
    private ConfiguredTrust trustFor(List<ImageOutcome> targets, PhaseTimer timer) {
        boolean needed = targets.stream().anyMatch(target -> target.verification().attestors().stream()
                .flatMap(set -> set.entries().stream())
                .anyMatch(entry -> SignatureCheck.needsConfiguredRoot(entry, target.verification().type())));
        if (!needed) {
            return ConfiguredTrust.unavailable("no trust root was loaded: no entry needed one");
        }
        if (trust.isEmpty()) {
            return ConfiguredTrust.unavailable("no Sigstore trust root: " + TrustRootSource.HOW_TO_PROVIDE);
        }
        long start = System.nanoTime();
        try {
            return ConfiguredTrust.of(trust.get().get());
        } catch (VerificationException e) {
            return ConfiguredTrust.unavailable(e.getMessage());
        } finally {
            timer.record("trust", start);
        }
    }

    /** Policies and a registry client are required; the trust root is needed by keyless and Rekor checks. */
    public static final class Builder {
        private List<ClusterPolicy> policies;
        private RegistryClient registry;
        private TrustRootSource trust;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The policies to apply, e.g. from {@link io.gkm.verifier.policy.PolicyLoader#load}. */
        public Builder policies(List<ClusterPolicy> policies) {
            this.policies = List.copyOf(policies);
            return this;
        }

        public Builder registry(RegistryClient registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Where the Sigstore trust root comes from; without one, entries that need it are ERROR. */
        public Builder trustRoot(TrustRootSource trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** A trust root already loaded. */
        public Builder trustRoot(TrustRoot root) {
            return trustRoot(TrustRootSource.of(root));
        }

        /** The trust root from {@link VerifierSettings}: {@code GKM_TRUSTED_ROOT}, else the public-good TUF root. */
        public Builder configure(GkmConfig config) {
            return trustRoot(TrustRootSource.fromConfig(config));
        }

        /** The clock of {@code verifiedAt}, and "now" for a certificate of a signature without log entry. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Verifier build() {
            if (policies == null) {
                throw new IllegalStateException("policies are required (an empty list rejects every resource)");
            }
            if (registry == null) {
                throw new IllegalStateException("a registry client is required");
            }
            return new Verifier(this);
        }
    }
}
