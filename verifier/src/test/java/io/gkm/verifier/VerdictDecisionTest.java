package io.gkm.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.ImageEvidence.DigestResolution;
import io.gkm.verifier.ImageEvidence.FetchedSignature;
import io.gkm.verifier.ImageEvidence.RegistryFailure;
import io.gkm.verifier.ImageEvidence.SignatureSearch;
import io.gkm.verifier.SignatureCheck.EntryCheck;
import io.gkm.verifier.VerdictDecision.Decision;
import io.gkm.verifier.VerdictDecision.TargetVerdict;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.EntryOutcome;
import io.gkm.verifier.policy.ImageOutcome;
import io.gkm.verifier.policy.PolicyEngine;
import io.gkm.verifier.policy.PolicyEvaluation;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.policy.PolicyLoader;
import io.gkm.verifier.policy.SignatureType;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.TlogEntry;
import io.gkm.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict decided from fetched evidence and entry checks: Kyverno's semantics plus the digest double-check. */
class VerdictDecisionTest {
    private static final String IMAGE = "registry.gkm.test/caches/vector-add:rocm";
    private static final Digest PINNED = Digest.sha256("image A".getBytes(StandardCharsets.UTF_8));
    private static final Digest MOVED_TO = Digest.sha256("image B".getBytes(StandardCharsets.UTF_8));
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Map<String, String> V2 = Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, "cosign-v2");
    private static final Map<String, String> V3 = Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, "cosign-v3");

    private static List<ClusterPolicy> seedPolicies() throws PolicyLoadException {
        return PolicyLoader.load(Fixtures.path("gkm/config/kyverno/policies"));
    }

    private static VerificationRequest gkmCache(Map<String, String> labels, String image) {
        return VerificationRequest.of("test", "GKMCache", "team-a", "vector-add", labels, image);
    }

    private static PolicyEvaluation evaluate(List<ClusterPolicy> policies, VerificationRequest request) {
        return new PolicyEngine(policies).evaluate(request.resource());
    }

    private static PolicyEvaluation evaluate(String yaml, VerificationRequest request) throws PolicyLoadException {
        return evaluate(PolicyLoader.parse(yaml, "test.yaml"), request);
    }

    private static ImageEvidence signed(ImageOutcome target, SignatureType type, Map<String, String> labels) {
        ImageReference image = target.image().reference();
        SignatureSearch search = new SignatureSearch(type, "where they are", List.of(
                new FetchedSignature.Unreadable("sha256:" + "1".repeat(64), "not needed by the decision")),
                Optional.empty());
        return new ImageEvidence(image, Optional.of(resolvedFromTag(image)), Optional.of(labels),
                Map.of(type, search), Optional.empty());
    }

    private static DigestResolution resolvedFromTag(ImageReference image) {
        return new DigestResolution(Optional.empty(), image.tag(), Optional.of(PINNED));
    }

    private static EntryCheck passedCheck(int entry) {
        SignerFacts facts = new SignerFacts(Optional.empty(), Optional.of(new TlogEntry(42, NOW, "ab")));
        return new EntryCheck(EntryOutcome.passed(entry, "signature verified"), Optional.of(facts), Optional.empty());
    }

    private static EntryCheck failedCheck(int entry, String reason) {
        return new EntryCheck(EntryOutcome.failed(entry, reason), Optional.empty(), Optional.empty());
    }

    private static VerificationResult result(VerificationRequest request, PolicyEvaluation evaluation,
            List<TargetVerdict> targets) {
        Decision decision = VerdictDecision.decide(evaluation, targets);
        return VerdictDecision.result(request, decision, Map.of("total", 3L), NOW);
    }

    @Test
    void aGkmCacheWithoutTheSignatureFormatLabelIsRejectedBecauseNoPolicySelectsIt() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        PolicyEvaluation evaluation = evaluate(seedPolicies(), request);

        VerificationResult result = result(request, evaluation, List.of());

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith(
                "no policy selects this resource: label gkm.io/signature-format missing");
        assertThat(result.getReasons()).anySatisfy(reason -> assertThat(reason).startsWith(
                "verify-gkmcache-images-v2/verify-v2-legacy-images: NOT_MATCHED: "));
        assertThat(result.getPolicyName()).isEmpty();
        assertThat(result.getRuleName()).isNull();
        assertThat(result.getSignatureFormat()).isEqualTo(SignatureFormat.NONE);
        assertThat(result.getImage()).isEqualTo(IMAGE);
        assertThat(result.getImageDigest()).isNull();
        assertThat(result.getResourceKey()).isEqualTo("test/team-a/GKMCache/vector-add");
    }

    @Test
    void aLabelValueNoPolicyKnowsIsNamedInTheReason() throws Exception {
        VerificationRequest request = gkmCache(Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, "notation"), IMAGE);

        Decision decision = VerdictDecision.decide(evaluate(seedPolicies(), request), List.of());

        assertThat(decision.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(decision.reasons().get(0)).isEqualTo("no policy selects this resource: GKMCache team-a/vector-add"
                + " has label gkm.io/signature-format=notation and no rule matches it");
    }

    @Test
    void aTagMovedAfterPinningIsRejectedNamingBothDigests() throws Exception {
        VerificationRequest request = gkmCache(V2, IMAGE + "@" + PINNED);
        ImageOutcome target = evaluate(seedPolicies(), request).toVerify().get(0);
        ImageEvidence evidence = new ImageEvidence(target.image().reference(),
                Optional.of(new DigestResolution(Optional.of(PINNED), Optional.of("rocm"), Optional.of(MOVED_TO))),
                Optional.empty(), Map.of(), Optional.empty());

        TargetVerdict verdict = VerdictDecision.beforeSignatures(target, evidence).orElseThrow();

        assertThat(verdict.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.reasons().get(0)).startsWith("digest double-check failed: tag rocm of "
                + "registry.gkm.test/caches/vector-add now resolves to " + MOVED_TO + ", but spec.image pins " + PINNED);
    }

    @Test
    void aPinnedDigestTheTagStillNamesPassesTheDoubleCheckAndIsReported() throws Exception {
        VerificationRequest request = gkmCache(V2, IMAGE + "@" + PINNED);
        PolicyEvaluation evaluation = evaluate(seedPolicies(), request);
        ImageOutcome target = evaluation.toVerify().get(0);
        ImageEvidence evidence = new ImageEvidence(target.image().reference(),
                Optional.of(new DigestResolution(Optional.of(PINNED), Optional.of("rocm"), Optional.of(PINNED))),
                Optional.empty(), Map.of(SignatureType.COSIGN, signed(target, SignatureType.COSIGN, Map.of())
                        .signatures().get(SignatureType.COSIGN)), Optional.empty());

        assertThat(VerdictDecision.beforeSignatures(target, evidence)).isEmpty();
        TargetVerdict verdict = VerdictDecision.attestors(target, evidence, List.of(List.of(passedCheck(0))));

        assertThat(verdict.verdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(verdict.reasons()).contains("digest double-check passed: tag rocm still resolves to the pinned "
                + PINNED);
        assertThat(result(request, evaluation, List.of(verdict)).getImageDigest()).isEqualTo(PINNED.toString());
    }

    @Test
    void anUnreachableRegistryIsAnErrorNotARejection() throws Exception {
        VerificationRequest request = gkmCache(V3, IMAGE);
        ImageOutcome target = evaluate(seedPolicies(), request).toVerify().get(0);
        ImageEvidence evidence = new ImageEvidence(target.image().reference(), Optional.empty(), Optional.empty(),
                Map.of(), Optional.of(new RegistryFailure(true, "resolve registry.gkm.test: connection refused")));

        TargetVerdict verdict = VerdictDecision.beforeSignatures(target, evidence).orElseThrow();

        assertThat(verdict.verdict()).isEqualTo(Verdict.ERROR);
        assertThat(verdict.reasons().get(0)).isEqualTo("registry unavailable, the image could not be checked "
                + "(retriable): resolve registry.gkm.test: connection refused");
    }

    @Test
    void aRegistryAnswerThatWillNotChangeIsARejectionWithItsReason() throws Exception {
        VerificationRequest request = gkmCache(V3, IMAGE);
        ImageOutcome target = evaluate(seedPolicies(), request).toVerify().get(0);
        ImageEvidence evidence = new ImageEvidence(target.image().reference(), Optional.empty(), Optional.empty(),
                Map.of(), Optional.of(new RegistryFailure(false, "fetch manifest x: not found (HTTP 404)")));

        TargetVerdict verdict = VerdictDecision.beforeSignatures(target, evidence).orElseThrow();

        assertThat(verdict.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.reasons().get(0)).isEqualTo("registry: fetch manifest x: not found (HTTP 404)");
    }

    @Test
    void noSignaturesOfTheLabelledFormatIsRejectedAndNamesTheFormatTheImageIsSignedIn() throws Exception {
        VerificationRequest request = gkmCache(V2, IMAGE);
        ImageOutcome target = evaluate(seedPolicies(), request).toVerify().get(0);
        ImageReference image = target.image().reference();
        ImageEvidence evidence = new ImageEvidence(image, Optional.of(resolvedFromTag(image)), Optional.empty(),
                Map.of(SignatureType.COSIGN, new SignatureSearch(SignatureType.COSIGN, "tag " + PINNED.signatureTag(),
                        List.of(), Optional.of(SignatureType.SIGSTORE_BUNDLE))), Optional.empty());

        TargetVerdict verdict = VerdictDecision.beforeSignatures(target, evidence).orElseThrow();

        assertThat(verdict.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.reasons().get(0)).isEqualTo("no signatures found: spec.rules[0].verifyImages[0] has type "
                + "Cosign, which looks for cosign v2 (.sig tag) signatures of registry.gkm.test/caches/vector-add@"
                + PINNED + " at tag " + PINNED.signatureTag() + ", and there are none; the image has cosign v3 "
                + "(Sigstore bundle referrer) signatures: label the resource gkm.io/signature-format: cosign-v3 so "
                + "that the policy for that format verifies it");
    }

    @Test
    void withoutCountEveryEntryOfASetMustPass() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        ImageOutcome target = evaluate(TestPolicy.keyed(2, Optional.empty()), request).toVerify().get(0);

        TargetVerdict verdict = VerdictDecision.attestors(target, signed(target, SignatureType.COSIGN, Map.of()),
                List.of(List.of(passedCheck(0), failedCheck(1, "no signature verified: signature check failed"))));

        assertThat(verdict.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.reasons().get(0)).isEqualTo("attestors not satisfied: spec.rules[0].verifyImages[0]"
                + ".attestors[0]: 1 of 2 entries verified, 2 required (spec.rules[0].verifyImages[0].attestors[0]"
                + ".entries[0].keys.publicKeys[1]: no signature verified: signature check failed)");
    }

    @Test
    void withCountOneAnyEntryThatPassesSatisfiesTheSet() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        ImageOutcome target = evaluate(TestPolicy.keyed(2, Optional.of(1)), request).toVerify().get(0);

        TargetVerdict verdict = VerdictDecision.attestors(target, signed(target, SignatureType.COSIGN, Map.of()),
                List.of(List.of(failedCheck(0, "no signature verified"), passedCheck(1))));

        assertThat(verdict.verdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(verdict.signer()).flatMap(SignerFacts::tlogEntry).map(TlogEntry::logIndex).contains(42L);
    }

    @Test
    void entriesThatCouldNotBeCheckedForWantOfATrustRootMakeAnErrorThatSaysHowToProvideOne() throws Exception {
        VerificationRequest request = gkmCache(V3, IMAGE);
        ImageOutcome target = evaluate(seedPolicies(), request).toVerify().get(0);
        String problem = "no Sigstore trust root: " + TrustRootSource.HOW_TO_PROVIDE;
        EntryCheck unchecked = new EntryCheck(EntryOutcome.failed(0, "cannot be checked: " + problem),
                Optional.empty(), Optional.of(problem));

        TargetVerdict verdict = VerdictDecision.attestors(target,
                signed(target, SignatureType.SIGSTORE_BUNDLE, Map.of()), List.of(List.of(unchecked)));

        assertThat(verdict.verdict()).isEqualTo(Verdict.ERROR);
        assertThat(verdict.reasons().get(0)).isEqualTo("no Sigstore trust root: set GKM_TRUSTED_ROOT (or "
                + "--trusted-root) to a trusted_root.json (air-gapped), or allow access to the public-good TUF "
                + "repository");
    }

    @Test
    void verifyDigestWithoutMutateDigestRejectsAnImageNamedByTagBeforeAskingTheRegistry() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        ImageOutcome target = evaluate(TestPolicy.noMutateDigest(), request).toVerify().get(0);

        TargetVerdict verdict = VerdictDecision.beforeRegistry(target).orElseThrow();

        assertThat(verdict.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(verdict.reasons().get(0)).startsWith("missing digest for " + IMAGE + ": ");
        assertThat(verdict.evidence()).isEmpty();
    }

    @Test
    void anAuditPolicyStillRejectsAndSaysWhatKyvernoWouldHaveDone() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        ImageOutcome target = evaluate(TestPolicy.noMutateDigest(), request).toVerify().get(0);

        TargetVerdict verdict = VerdictDecision.beforeRegistry(target).orElseThrow();

        assertThat(verdict.reasons().get(0)).endsWith("(failureAction Audit: Kyverno would admit the resource and "
                + "only report this; nothing unverified is dispatched, so the verdict stays REJECTED)");
    }

    @Test
    void oneRejectedImageRejectsTheResourceEvenWhenAnotherCouldNotBeChecked() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        PolicyEvaluation evaluation = evaluate(TestPolicy.twoVerifyImages(), request);
        ImageOutcome first = evaluation.toVerify().get(0);
        ImageOutcome second = evaluation.toVerify().get(1);
        TargetVerdict erred = VerdictDecision.beforeSignatures(first, new ImageEvidence(first.image().reference(),
                Optional.empty(), Optional.empty(), Map.of(), Optional.of(new RegistryFailure(true, "timeout"))))
                .orElseThrow();
        TargetVerdict rejected = VerdictDecision.attestors(second, signed(second, SignatureType.COSIGN, Map.of()),
                List.of(List.of(failedCheck(0, "no signature verified"))));

        Decision decision = VerdictDecision.decide(evaluation, List.of(erred, rejected));

        assertThat(decision.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(decision.decisive()).contains(rejected);
        assertThat(decision.reasons().get(0)).startsWith("attestors not satisfied: ");
        assertThat(decision.reasons()).contains(erred.reasons().get(0));
    }

    @Test
    void anImageEveryEntrySkipsIsVerifiedByNothingAndRejected() throws Exception {
        VerificationRequest request = gkmCache(Map.of(), IMAGE);
        PolicyEvaluation evaluation = evaluate(TestPolicy.skipping(), request);

        Decision decision = VerdictDecision.decide(evaluation, List.of());

        assertThat(decision.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(decision.reasons()).containsExactly(
                "no verifyImages entry of the selecting rules verifies the image, so nothing vouches for it",
                "test-policy/test-rule: SKIPPED: spec.rules[0].verifyImages[0]: " + IMAGE
                        + " matches skipImageReferences \"registry.gkm.test/*\"");
        assertThat(VerdictDecision.result(request, decision, Map.of(), NOW).getPolicyName()).isEqualTo("test-policy");
    }

    @Test
    void aVerifiedResultCarriesRuleFormatLogEntryAndTheCacheTargetsFromTheImageLabels() throws Exception {
        VerificationRequest request = gkmCache(V3, IMAGE);
        PolicyEvaluation evaluation = evaluate(seedPolicies(), request);
        ImageOutcome target = evaluation.toVerify().get(0);
        Map<String, String> labels = new McvLabels(McvLabels.TRITON_PREFIX, 1, 80415,
                List.of(new McvLabels.Target("hip", "gfx90a", 64))).toLabels();
        TargetVerdict verdict = VerdictDecision.attestors(target,
                signed(target, SignatureType.SIGSTORE_BUNDLE, labels), List.of(List.of(passedCheck(0))));

        VerificationResult result = result(request, evaluation, List.of(verdict));

        assertThat(result.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getPolicyName()).isEqualTo("verify-gkmcache-images-v3");
        assertThat(result.getRuleName()).isEqualTo("verify-v3-bundle-images");
        assertThat(result.getSignatureFormat()).isEqualTo(SignatureFormat.COSIGN_V3);
        assertThat(result.getImageDigest()).isEqualTo(PINNED.toString());
        assertThat(result.getTlogIndex()).isEqualTo(42L);
        assertThat(result.getIntegratedTime()).isEqualTo(NOW);
        assertThat(result.getSignerSubject()).isNull();
        assertThat(result.getCacheTargets()).singleElement().satisfies(t -> {
            assertThat(t.getBackend()).isEqualTo("hip");
            assertThat(t.getArch()).isEqualTo("gfx90a");
            assertThat(t.getWarpSize()).isEqualTo(64);
        });
        assertThat(result.getCacheSizeBytes()).isEqualTo(80415L);
        assertThat(result.getCacheEntryCount()).isEqualTo(1);
        assertThat(result.getReasons()).contains("cache labels cache.triton.image/*: 1 entries, 80415 bytes, "
                + "targets hip/gfx90a/warp 64");
        assertThat(result.getTimings()).containsEntry("total", 3L);
        assertThat(result.getVerifiedAt()).isEqualTo(NOW);
    }

    @Test
    void malformedCacheLabelsLeaveTheTargetsEmptyAndSayWhy() throws Exception {
        VerificationRequest request = gkmCache(V2, IMAGE);
        PolicyEvaluation evaluation = evaluate(seedPolicies(), request);
        ImageOutcome target = evaluation.toVerify().get(0);
        TargetVerdict verdict = VerdictDecision.attestors(target, signed(target, SignatureType.COSIGN,
                Map.of("cache.triton.image/summary", "{\"targets\":[]}", "cache.triton.image/entry-count", "many")),
                List.of(List.of(passedCheck(0))));

        VerificationResult result = result(request, evaluation, List.of(verdict));

        assertThat(result.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getCacheTargets()).isEmpty();
        assertThat(result.getCacheEntryCount()).isNull();
        assertThat(result.getReasons()).contains("cache labels unreadable, so no cache targets are known: label "
                + "cache.triton.image/entry-count must be a whole number from 0 to 2147483647, got 'many'");
    }
}
