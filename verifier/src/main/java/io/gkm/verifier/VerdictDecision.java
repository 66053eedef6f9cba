package io.gkm.verifier;

import io.gkm.core.image.ImageReference;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.ImageEvidence.DigestResolution;
import io.gkm.verifier.ImageEvidence.RegistryFailure;
import io.gkm.verifier.ImageEvidence.SignatureSearch;
import io.gkm.verifier.SignatureCheck.EntryCheck;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.policy.AttestorsOutcome;
import io.gkm.verifier.policy.EntryOutcome;
import io.gkm.verifier.policy.FailureAction;
import io.gkm.verifier.policy.ImageOutcome;
import io.gkm.verifier.policy.ImageVerification;
import io.gkm.verifier.policy.PolicyEvaluation;
import io.gkm.verifier.policy.RuleOutcome;
import io.gkm.verifier.policy.SignatureType;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.TlogEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The verdict, decided from what was found: pure, no I/O. Kyverno's semantics
 * ({@code pkg/engine/internal/imageverifier.go}, {@code pkg/engine/handlers/validation/validate_image.go}),
 * plus what GKM's admission adds and this product closes:
 * <ul>
 *   <li>A resource no policy selects is REJECTED: Kyverno leaves it alone, so it carries no
 *       {@code kyverno.io/verify-images} annotation and GKM's webhook refuses it. A selecting
 *       rule whose {@code verifyImages} verify none of its images (not referenced, or skipped)
 *       verified nothing, and is REJECTED for the same reason.</li>
 *   <li>Per image and {@code verifyImages} entry: {@code verifyDigest} with {@code mutateDigest}
 *       off and no digest is REJECTED ({@code missing digest for <image>}, Kyverno's words); an
 *       unreachable registry is ERROR (Kyverno: a rule error, not a failure); any other registry
 *       failure is REJECTED with its reason; a tag that now names another digest than the pinned
 *       one is REJECTED with both digests (the digest double-check); no signature of the entry's
 *       type is REJECTED ({@code no signatures found}, naming the other format when the image
 *       has that); else every attestor set must be satisfied ({@code count} entries, all when
 *       not set), else REJECTED with each failed entry's reason, or ERROR when an unsatisfied
 *       set had entries that could not be checked for want of a trust root.</li>
 *   <li>{@code required} does not change a verdict here: in Kyverno it makes the validating
 *       webhook demand the annotation that a passed verification writes; this verifier verifies
 *       the signatures themselves every time. {@code failureAction: Audit} does not either:
 *       Kyverno would admit and report, but nothing unverified is dispatched; the reason says so.</li>
 *   <li>Over all images and entries: one REJECTED rejects, else one ERROR errs, else VERIFIED.</li>
 * </ul>
 */
final class VerdictDecision {
    /** The label that selects GKM's policies. */
    static final String SIGNATURE_FORMAT_LABEL = "gkm.io/signature-format";

    private VerdictDecision() {
    }

    /**
     * One image against one {@code verifyImages} entry, judged.
     *
     * @param target the image and entry
     * @param verdict the verdict
     * @param reasons the deciding reason first, then what led to it
     * @param evidence what the registry said, when it was asked
     * @param signer the facts of the signature that satisfied the first attestor set, when VERIFIED
     */
    record TargetVerdict(ImageOutcome target, Verdict verdict, List<String> reasons,
            Optional<ImageEvidence> evidence, Optional<SignerFacts> signer) {
        TargetVerdict {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(verdict, "verdict");
            reasons = List.copyOf(reasons);
            Objects.requireNonNull(evidence, "evidence");
            Objects.requireNonNull(signer, "signer");
        }
    }

    /**
     * The verdict on a resource.
     *
     * @param verdict the verdict
     * @param reasons what decided it first, then the rest
     * @param decisive the image and entry whose verdict is the resource's, when one was judged
     * @param rule the rule named in the result: the decisive one, else the first selecting one
     */
    record Decision(Verdict verdict, List<String> reasons, Optional<TargetVerdict> decisive,
            Optional<RuleOutcome> rule) {
        Decision {
            Objects.requireNonNull(verdict, "verdict");
            reasons = List.copyOf(reasons);
            Objects.requireNonNull(decisive, "decisive");
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * What can be decided before the registry is asked: {@code verifyDigest} without a digest
     * that {@code mutateDigest} would pin.
     */
    static Optional<TargetVerdict> beforeRegistry(ImageOutcome target) {
        ImageVerification verification = target.verification();
        ImageReference image = target.image().reference();
        if (verification.verifyDigest() && !verification.mutateDigest() && image.digest().isEmpty()) {
            return Optional.of(rejected(target, Optional.empty(), "missing digest for " + image.kyvernoForm()
                    + ": " + verification.path() + " has verifyDigest and no mutateDigest, so the image must be named "
                    + "by digest (image@sha256:...)"));
        }
        return Optional.empty();
    }

    /**
     * What can be decided from the registry's answers before any signature is checked: a registry
     * failure, a moved tag, no signatures of the entry's type.
     */
    static Optional<TargetVerdict> beforeSignatures(ImageOutcome target, ImageEvidence evidence) {
        Optional<DigestResolution> digest = evidence.digest();
        if (digest.isPresent() && digest.get().moved()) {
            DigestResolution d = digest.get();
            return Optional.of(rejected(target, Optional.of(evidence), "digest double-check failed: tag "
                    + d.tag().orElseThrow() + " of " + evidence.image().name() + " now resolves to "
                    + d.tagDigest().orElseThrow() + ", but spec.image pins " + d.pinned().orElseThrow()
                    + "; the tag was moved after the digest was pinned, or the pin was not written by the admission: "
                    + "name the image by its tag again to have the current digest verified and pinned"));
        }
        if (evidence.failure().isPresent()) {
            RegistryFailure failure = evidence.failure().get();
            return Optional.of(failure.retriable()
                    ? judged(target, Verdict.ERROR, Optional.of(evidence), Optional.empty(),
                            "registry unavailable, the image could not be checked (retriable): " + failure.message())
                    : rejected(target, Optional.of(evidence), "registry: " + failure.message()));
        }
        SignatureSearch search = evidence.signatures().get(target.verification().type());
        if (search == null) {
            throw new IllegalArgumentException("no " + target.verification().type() + " signatures were looked for in "
                    + evidence.image());
        }
        if (search.signatures().isEmpty()) {
            return Optional.of(rejected(target, Optional.of(evidence), noSignatures(target, evidence, search)));
        }
        return Optional.empty();
    }

    /**
     * The attestor verdict from the entry checks: VERIFIED when every set is satisfied; ERROR when
     * an unsatisfied set had entries that could not be checked (no trust root); else REJECTED.
     *
     * @param checksPerSet the checks made, one list per attestor set, in policy order
     */
    static TargetVerdict attestors(ImageOutcome target, ImageEvidence evidence, List<List<EntryCheck>> checksPerSet) {
        List<List<EntryOutcome>> outcomes = checksPerSet.stream()
                .map(checks -> checks.stream().map(EntryCheck::outcome).toList()).toList();
        AttestorsOutcome outcome = target.verification().evaluate(outcomes);
        if (outcome.satisfied()) {
            Optional<SignerFacts> signer = checksPerSet.get(0).stream()
                    .filter(check -> check.outcome().passed()).findFirst().flatMap(EntryCheck::signer);
            return judged(target, Verdict.VERIFIED, Optional.of(evidence), signer, "attestors: " + outcome.reason());
        }
        List<String> unavailable = new ArrayList<>();
        for (int i = 0; i < checksPerSet.size(); i++) {
            if (!outcome.sets().get(i).satisfied()) {
                checksPerSet.get(i).stream().flatMap(check -> check.unavailable().stream())
                        .filter(problem -> !unavailable.contains(problem)).forEach(unavailable::add);
            }
        }
        if (!unavailable.isEmpty()) {
            return judged(target, Verdict.ERROR, Optional.of(evidence), Optional.empty(),
                    String.join("; ", unavailable));
        }
        return rejected(target, Optional.of(evidence), "attestors not satisfied: " + outcome.reason());
    }

    /** The verdict on the resource from the policy evaluation and every image and entry judged. */
    static Decision decide(PolicyEvaluation evaluation, List<TargetVerdict> targets) {
        List<RuleOutcome> selecting = evaluation.selectingRules();
        if (selecting.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            reasons.add(noPolicy(evaluation));
            reasons.addAll(evaluation.reasons());
            return new Decision(Verdict.REJECTED, reasons, Optional.empty(), Optional.empty());
        }
        List<String> imageErrors = selecting.stream().filter(r -> r.status() == RuleOutcome.Status.IMAGE_ERROR)
                .map(r -> r.ruleId() + ": the image could not be read: " + r.reason()).toList();
        if (!imageErrors.isEmpty()) {
            return new Decision(Verdict.REJECTED, imageErrors, Optional.empty(), Optional.of(selecting.get(0)));
        }
        if (targets.isEmpty()) {
            List<String> reasons = new ArrayList<>();
            reasons.add("no verifyImages entry of the selecting rules verifies the image, so nothing vouches for it");
            selecting.forEach(rule -> rule.images().forEach(image -> reasons.add(rule.ruleId() + ": "
                    + image.selection() + ": " + image.reason())));
            return new Decision(Verdict.REJECTED, reasons, Optional.empty(), Optional.of(selecting.get(0)));
        }
        Verdict verdict = targets.stream().anyMatch(t -> t.verdict() == Verdict.REJECTED) ? Verdict.REJECTED
                : targets.stream().anyMatch(t -> t.verdict() == Verdict.ERROR) ? Verdict.ERROR : Verdict.VERIFIED;
        TargetVerdict decisive = targets.stream().filter(t -> t.verdict() == verdict).findFirst().orElseThrow();
        List<String> reasons = new ArrayList<>(decisive.reasons());
        targets.stream().filter(t -> t != decisive).forEach(t -> reasons.addAll(t.reasons()));
        CacheLabels cache = CacheLabels.of(decisive);
        if (cache.labels().isPresent() || cache.note().isPresent()) {
            reasons.add(cache.reason());
        }
        RuleOutcome rule = selecting.stream().filter(r -> r.images().contains(decisive.target())).findFirst()
                .orElse(selecting.get(0));
        return new Decision(verdict, reasons, Optional.of(decisive), Optional.of(rule));
    }

    /** The result event of a decision. */
    static VerificationResult result(VerificationRequest request, Decision decision, Map<String, Long> timings,
            Instant verifiedAt) {
        Optional<TargetVerdict> decisive = decision.decisive();
        Optional<SigningCertificate> certificate = decisive.flatMap(TargetVerdict::signer)
                .flatMap(SignerFacts::certificate);
        Optional<TlogEntry> tlog = decisive.flatMap(TargetVerdict::signer).flatMap(SignerFacts::tlogEntry);
        Optional<McvLabels> cache = decisive.flatMap(t -> CacheLabels.of(t).labels());
        String image = request.specImage().or(() -> decisive.map(t -> t.target().image().reference().toString()))
                .orElse("");
        return VerificationResult.newBuilder()
                .setVerdict(decision.verdict())
                .setResourceKey(request.resourceKey().toString())
                .setImage(image)
                .setImageDigest(decisive.flatMap(TargetVerdict::evidence).flatMap(ImageEvidence::digest)
                        .map(d -> d.digest().toString()).orElse(null))
                .setSignatureFormat(decisive.map(t -> format(t.target().verification().type()))
                        .orElseGet(() -> format(request.resource().labels().get(SIGNATURE_FORMAT_LABEL))))
                .setPolicyName(decision.rule().map(r -> r.policy().name()).orElse(""))
                .setRuleName(decision.rule().map(r -> r.rule().name()).orElse(null))
                .setSignerIssuer(certificate.flatMap(SigningCertificate::issuer).orElse(null))
                .setSignerSubject(certificate.flatMap(SigningCertificate::subject).orElse(null))
                .setTlogIndex(tlog.map(TlogEntry::logIndex).orElse(null))
                .setIntegratedTime(tlog.map(TlogEntry::integratedTime).orElse(null))
                .setCacheTargets(cache.map(c -> c.targets().stream()
                        .map(t -> new CacheTarget(t.backend(), t.arch(), t.warpSize())).toList()).orElse(List.of()))
                .setCacheSizeBytes(cache.map(McvLabels::cacheSizeBytes).orElse(null))
                .setCacheEntryCount(cache.map(McvLabels::entryCount).orElse(null))
                .setReasons(decision.reasons())
                .setTimings(timings)
                .setVerifiedAt(verifiedAt)
                .build();
    }

    /** The format a policy type verifies. */
    static SignatureFormat format(SignatureType type) {
        return type == SignatureType.COSIGN ? SignatureFormat.COSIGN_V2 : SignatureFormat.COSIGN_V3;
    }

    /** The format a {@code gkm.io/signature-format} label value selects; NONE for none or another value. */
    static SignatureFormat format(String labelValue) {
        if ("cosign-v2".equals(labelValue)) {
            return SignatureFormat.COSIGN_V2;
        }
        return "cosign-v3".equals(labelValue) ? SignatureFormat.COSIGN_V3 : SignatureFormat.NONE;
    }

    private static String noPolicy(PolicyEvaluation evaluation) {
        String label = evaluation.resource().labels().get(SIGNATURE_FORMAT_LABEL);
        String resource = evaluation.resource().kind() + " " + (evaluation.resource().namespace() == null ? ""
                : evaluation.resource().namespace() + "/") + evaluation.resource().name();
        if (evaluation.rules().isEmpty()) {
            return "no policy selects this resource: no policies are loaded";
        }
        if (label == null) {
            return "no policy selects this resource: label " + SIGNATURE_FORMAT_LABEL + " missing on " + resource
                    + " (cosign-v2 or cosign-v3 selects GKM's policies)";
        }
        return "no policy selects this resource: " + resource + " has label " + SIGNATURE_FORMAT_LABEL + "=" + label
                + " and no rule matches it";
    }

    private static String noSignatures(ImageOutcome target, ImageEvidence evidence, SignatureSearch search) {
        SignatureType type = search.type();
        String reason = "no signatures found: " + target.verification().path() + " has type " + type.policyName()
                + ", which looks for " + describe(type) + " signatures of " + evidence.image().name() + "@"
                + evidence.digest().orElseThrow().digest() + " at " + search.location() + ", and there are none";
        return reason + search.otherFormat().map(other -> "; the image has " + describe(other)
                + " signatures: label the resource " + SIGNATURE_FORMAT_LABEL + ": " + labelValue(other)
                + " so that the policy for that format verifies it").orElse("");
    }

    private static String describe(SignatureType type) {
        return type == SignatureType.COSIGN ? "cosign v2 (.sig tag)" : "cosign v3 (Sigstore bundle referrer)";
    }

    private static String labelValue(SignatureType type) {
        return type == SignatureType.COSIGN ? "cosign-v2" : "cosign-v3";
    }

    private static TargetVerdict rejected(ImageOutcome target, Optional<ImageEvidence> evidence, String reason) {
        String audit = target.verification().failureAction() == FailureAction.AUDIT
                ? " (failureAction Audit: Kyverno would admit the resource and only report this; nothing unverified "
                        + "is dispatched, so the verdict stays REJECTED)" : "";
        return judged(target, Verdict.REJECTED, evidence, Optional.empty(), reason + audit);
    }

    private static TargetVerdict judged(ImageOutcome target, Verdict verdict, Optional<ImageEvidence> evidence,
            Optional<SignerFacts> signer, String reason) {
        List<String> reasons = new ArrayList<>();
        reasons.add(reason);
        reasons.add(target.policy().name() + "/" + target.rule().name() + ": " + target.reason());
        evidence.flatMap(ImageEvidence::digest).filter(d -> !d.moved()).ifPresent(d -> reasons.add(describe(d)));
        return new TargetVerdict(target, verdict, reasons, evidence, signer);
    }

    private static String describe(DigestResolution digest) {
        if (digest.pinned().isEmpty()) {
            return "digest " + digest.digest() + " resolved from tag " + digest.tag().orElseThrow()
                    + " (the digest to pin)";
        }
        if (digest.tag().isEmpty()) {
            return "digest " + digest.digest() + " pinned by spec.image; no tag known, so no digest double-check";
        }
        return "digest double-check passed: tag " + digest.tag().get() + " still resolves to the pinned "
                + digest.digest();
    }

    /**
     * The cache labels of the decisive image, or a note why there are none.
     *
     * @param labels the labels, when the config has readable ones
     * @param note why there are none, when the config was read
     */
    private record CacheLabels(Optional<McvLabels> labels, Optional<String> note) {

        static CacheLabels of(TargetVerdict target) {
            Optional<Map<String, String>> config = target.evidence().flatMap(ImageEvidence::configLabels);
            if (config.isEmpty()) {
                return new CacheLabels(Optional.empty(), Optional.empty());
            }
            try {
                Optional<McvLabels> labels = McvLabels.fromLabels(config.get());
                return new CacheLabels(labels, labels.isPresent() ? Optional.empty() : Optional.of("cache labels: the "
                        + "image config has no " + McvLabels.TRITON_PREFIX + "* or " + McvLabels.VLLM_PREFIX
                        + "* labels, so no cache targets are known"));
            } catch (IllegalArgumentException malformed) {
                return new CacheLabels(Optional.empty(), Optional.of("cache labels unreadable, so no cache targets "
                        + "are known: " + malformed.getMessage()));
            }
        }

        String reason() {
            return labels.map(VerdictDecision::describe).orElseGet(() -> note.orElseThrow());
        }
    }

    private static String describe(McvLabels labels) {
        return "cache labels " + labels.prefix() + "*: " + labels.entryCount() + " entries, " + labels.cacheSizeBytes()
                + " bytes, targets " + labels.targets().stream()
                        .map(t -> t.backend() + "/" + t.arch() + "/warp " + t.warpSize())
                        .collect(Collectors.joining(", "));
    }
}
