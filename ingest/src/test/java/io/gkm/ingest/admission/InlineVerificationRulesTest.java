package io.gkm.ingest.admission;

import static io.gkm.ingest.admission.CacheAdmissionTest.DIGEST;
import static io.gkm.ingest.admission.CacheAdmissionTest.OTHER_DIGEST;
import static io.gkm.ingest.admission.CacheAdmissionTest.PINNED;
import static io.gkm.ingest.admission.CacheAdmissionTest.REPO;
import static io.gkm.ingest.admission.CacheAdmissionTest.TAGGED;
import static io.gkm.ingest.admission.CacheAdmissionTest.cache;
import static io.gkm.ingest.model.GkmApi.KYVERNO_VERIFY_IMAGES_ANNOTATION;
import static io.gkm.ingest.model.GkmApi.RESOLVED_DIGEST_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.ingest.admission.InlineVerification.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The admission rules for the kinds the webhook verifies itself (GKM_INLINE_VERIFY), pure. */
class InlineVerificationRulesTest {
    private static final String POLICY = "verify-clustergkmcache-images/verify-and-mutate-image";
    private static final CacheAdmission CLUSTER = new CacheAdmission(KyvernoVerification.ENABLED, InlineVerify.CLUSTER);
    private static final CacheAdmission ALL = new CacheAdmission(KyvernoVerification.ENABLED, InlineVerify.ALL);

    private static InlineVerification verified(String digest) {
        return new InlineVerification(Outcome.VERIFIED, digest, POLICY,
                List.of("1 of 1 entries verified: signer identity matched"));
    }

    private static InlineVerification rejected(String reason) {
        return new InlineVerification(Outcome.REJECTED, null, POLICY, List.of(reason));
    }

    private static Map<String, String> resolved(String digest) {
        return Map.of(RESOLVED_DIGEST_ANNOTATION, digest);
    }

    @Nested
    class WhichKindsAreVerifiedInline {
        @ParameterizedTest(name = "{0}: GKMCache {1}, ClusterGKMCache {2}")
        @CsvSource({"OFF, false, false", "CLUSTER, false, true", "ALL, true, true"})
        void eachModeCoversItsKindsWhileKyvernoVerificationIsEnabled(InlineVerify mode, boolean namespaced,
                                                                      boolean cluster) {
            CacheAdmission rules = new CacheAdmission(KyvernoVerification.ENABLED, mode);

            assertThat(rules.verifiesInline(CacheKind.GKM_CACHE)).isEqualTo(namespaced);
            assertThat(rules.verifiesInline(CacheKind.CLUSTER_GKM_CACHE)).isEqualTo(cluster);
        }

        @ParameterizedTest
        @EnumSource(InlineVerify.class)
        void noKindIsVerifiedInlineWhileKyvernoVerificationIsDisabledSoTagsAreResolvedAsInGkm(InlineVerify mode) {
            CacheAdmission rules = new CacheAdmission(KyvernoVerification.DISABLED, mode);
            CacheObject tagged = cache(TAGGED, Map.of());

            assertThat(rules.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, null, tagged)).isEmpty();
            assertThat(rules.imageToResolve(tagged)).hasValue(TAGGED);
        }
    }

    @Nested
    class Mutate {
        @Test
        void asksForTheImageAsNamedOnCreateAndOnAnUpdateThatChangesIt() {
            CacheObject admitted = cache(PINNED, resolved(DIGEST));

            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, null, cache(TAGGED, Map.of())))
                    .hasValue(TAGGED);
            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, admitted, cache(REPO + ":v2", Map.of())))
                    .hasValue(REPO + ":v2");
            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, admitted, admitted)).isEmpty();
            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, null, cache("", Map.of()))).isEmpty();
            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.GKM_CACHE, null, cache(TAGGED, Map.of()))).isEmpty();
        }

        @Test
        void aVerifiedTagIsPinnedAsKyvernosMutateDigestWritesItAndTheDigestAnnotated() {
            AdmissionDecision d = CLUSTER.mutateVerified(cache(TAGGED, Map.of()), verified(DIGEST));

            assertThat(d.allowed()).isTrue();
            assertThat(d.changes()).containsExactly(new ImageChange(PINNED),
                    AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, DIGEST));
            assertThat(d.message()).isEqualTo("image verified by the GKM webhook: VERIFIED by policy " + POLICY
                    + ": 1 of 1 entries verified: signer identity matched; spec.image pinned to " + PINNED);
        }

        @Test
        void aDockerHubShortNameIsPinnedWithItsRegistryAndTheLatestTagAsKyvernoWritesIt() {
            AdmissionDecision d = CLUSTER.mutateVerified(cache("nginx", Map.of()), verified(DIGEST));

            assertThat(d.changes()).startsWith(new ImageChange("docker.io/nginx:latest@" + DIGEST));
        }

        @Test
        void anImageAlreadyPinnedIsLeftAsWrittenAndOnlyItsDigestAnnotated() {
            AdmissionDecision d = CLUSTER.mutateVerified(cache(PINNED, Map.of()), verified(DIGEST));

            assertThat(d.changes()).containsExactly(AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, DIGEST));
            assertThat(d.message()).doesNotContain("pinned to");
        }

        @Test
        void aVerificationOfAnotherDigestThanThePinnedOneIsDenied() {
            AdmissionDecision d = CLUSTER.mutateVerified(cache(PINNED, Map.of()), verified(OTHER_DIGEST));

            assertThat(d.check()).isEqualTo(Check.INLINE_VERIFIED_OTHER_DIGEST);
            assertThat(d.message()).contains(OTHER_DIGEST, "not the digest pinned in spec.image");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
            REJECTED  | INLINE_VERIFICATION_REJECTED  | REJECTED by policy
            ERROR     | INLINE_VERIFICATION_ERROR     | ERROR by policy
            """)
        void anImageNotVerifiedIsDeniedNamingTheVerdictThePolicyAndTheVerifiersReasons(Outcome outcome, Check check,
                                                                                      String says) {
            InlineVerification verdict = new InlineVerification(outcome, null, POLICY,
                    List.of("signature check failed: subject mismatch", "1 attestor set unsatisfied"));

            AdmissionDecision d = CLUSTER.mutateVerified(cache(TAGGED, Map.of()), verdict);

            assertThat(d.allowed()).isFalse();
            assertThat(d.code()).isEqualTo(AdmissionDecision.FORBIDDEN);
            assertThat(d.check()).isEqualTo(check);
            assertThat(d.changes()).isEmpty();
            assertThat(d.message()).isEqualTo("image verification failed for '" + TAGGED + "': " + says + " " + POLICY
                    + ": signature check failed: subject mismatch; 1 attestor set unsatisfied");
        }

        @Test
        void noVerdictWithinTheBudgetIsDeniedSayingSo() {
            AdmissionDecision d = CLUSTER.mutateVerified(cache(TAGGED, Map.of()),
                    InlineVerification.timedOut(Duration.ofSeconds(3)));

            assertThat(d.check()).isEqualTo(Check.INLINE_VERIFICATION_TIMED_OUT);
            assertThat(d.message()).contains("TIMED_OUT", "no verdict within 3000 ms (GKM_INLINE_VERIFY_TIMEOUT)");
        }
    }

    @Nested
    class Validate {
        @Test
        void thePinnedImageIsVerifiedAgainAndAllowedWithoutAnyKyvernoAnnotation() {
            CacheObject mutated = cache(PINNED, resolved(DIGEST));

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, null, mutated)).hasValue(PINNED);
            AdmissionDecision d = CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, mutated, verified(DIGEST));

            assertThat(d.allowed()).isTrue();
            assertThat(d.changes()).isEmpty();
            assertThat(d.message()).startsWith("image verified by the GKM webhook: VERIFIED by policy " + POLICY);
        }

        @Test
        void aForgedKyvernoPassOnAClusterGkmCacheIsNotTrustedTheImageIsVerified() {
            Map<String, String> forged = Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST,
                    KYVERNO_VERIFY_IMAGES_ANNOTATION, "{\"" + PINNED + "\":\"pass\"}");
            CacheObject object = cache(PINNED, forged);

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, null, object)).hasValue(PINNED);
            AdmissionDecision d = CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, object,
                    rejected("no signatures found"));

            assertThat(d.check()).isEqualTo(Check.INLINE_VERIFICATION_REJECTED);
            assertThat(d.message()).contains("no signatures found");
        }

        @Test
        void aClientThatWritesTheDigestAnnotationOnATagIsDeniedWithoutAskingTheVerifier() {
            CacheObject skippedMutate = cache(TAGGED, resolved(DIGEST));

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, null, skippedMutate)).isEmpty();
            AdmissionDecision d = CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, skippedMutate, null);

            assertThat(d.check()).isEqualTo(Check.IMAGE_NOT_PINNED);
            assertThat(d.message()).isEqualTo("image verification failed for '" + TAGGED + "': spec.image '" + TAGGED
                    + "' is not pinned to a sha256 digest, so no verification can be tied to it");
        }

        @Test
        void aDigestAnnotationThatIsNotThePinnedDigestIsDeniedWithoutAskingTheVerifier() {
            CacheObject forged = cache(PINNED, resolved(OTHER_DIGEST));

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, null, forged)).isEmpty();
            assertThat(CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, forged, null).check())
                    .isEqualTo(Check.RESOLVED_DIGEST_NOT_PINNED_DIGEST);
        }

        @Test
        void gkmsOwnChecksComeFirst() {
            assertThat(CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, cache("", Map.of()), null).message())
                    .isEqualTo("spec.image must be set");
            assertThat(CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, cache(PINNED, Map.of()), null).message())
                    .isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
        }

        @Test
        void aVerificationOfAnotherDigestIsDenied() {
            AdmissionDecision d = CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, cache(PINNED, resolved(DIGEST)),
                    verified(OTHER_DIGEST));

            assertThat(d.check()).isEqualTo(Check.INLINE_VERIFIED_OTHER_DIGEST);
        }

        @Test
        void decidingWithoutTheVerificationItNeedsIsAProgrammingError() {
            assertThatThrownBy(() -> CLUSTER.validateCreate(CacheKind.CLUSTER_GKM_CACHE, cache(PINNED, resolved(DIGEST)),
                    null)).isInstanceOf(NullPointerException.class).hasMessageContaining("imageToVerifyOnValidate");
        }

        @Test
        void anUpdateThatKeepsTheImageIsAllowedWithoutVerificationAndOneThatChangesItIsVerified() {
            CacheObject admitted = cache(PINNED, resolved(DIGEST));
            String otherPinned = REPO + ":v2@" + OTHER_DIGEST;
            CacheObject changed = cache(otherPinned, resolved(OTHER_DIGEST));

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, admitted, admitted)).isEmpty();
            assertThat(CLUSTER.validateUpdate(CacheKind.CLUSTER_GKM_CACHE, admitted, admitted, null).allowed()).isTrue();
            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, admitted, changed))
                    .hasValue(otherPinned);
            assertThat(CLUSTER.validateUpdate(CacheKind.CLUSTER_GKM_CACHE, admitted, changed,
                    rejected("digest double-check failed")).check()).isEqualTo(Check.INLINE_VERIFICATION_REJECTED);
        }

        @Test
        void anUpdateThatChangesOnlyTheLabelsIsVerifiedAgainUnderThem() {
            CacheObject admitted = cache(PINNED, resolved(DIGEST));
            CacheObject relabelled = withSignatureFormat(admitted, "cosign-v3");

            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.CLUSTER_GKM_CACHE, admitted, relabelled)).hasValue(PINNED);
            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, admitted, relabelled))
                    .hasValue(PINNED);
            assertThat(CLUSTER.validateUpdate(CacheKind.CLUSTER_GKM_CACHE, admitted, relabelled,
                    rejected("no signatures found")).check()).isEqualTo(Check.INLINE_VERIFICATION_REJECTED);
            assertThat(CLUSTER.validateUpdate(CacheKind.CLUSTER_GKM_CACHE, admitted, relabelled, verified(DIGEST))
                    .allowed()).isTrue();
        }

        @Test
        void aLabelChangeStillCannotMoveTheDigestUnderTheImage() {
            CacheObject admitted = cache(PINNED, resolved(DIGEST));
            CacheObject moved = withSignatureFormat(cache(PINNED, resolved(OTHER_DIGEST)), "cosign-v3");

            assertThat(CLUSTER.imageToVerifyOnValidate(CacheKind.CLUSTER_GKM_CACHE, admitted, moved)).isEmpty();
            assertThat(CLUSTER.validateUpdate(CacheKind.CLUSTER_GKM_CACHE, admitted, moved, null).check())
                    .isEqualTo(Check.RESOLVED_DIGEST_CHANGED);
        }

        @Test
        void aLabelChangeOnAKindKyvernoVerifiesIsLeftToKyverno() {
            CacheObject admitted = cache(PINNED, resolved(DIGEST));
            CacheObject relabelled = withSignatureFormat(admitted, "cosign-v3");

            assertThat(CLUSTER.imageToVerifyOnMutate(CacheKind.GKM_CACHE, admitted, relabelled)).isEmpty();
            assertThat(CLUSTER.validateUpdate(CacheKind.GKM_CACHE, admitted, relabelled, null).allowed()).isTrue();
        }

        @Test
        void inClusterModeAGkmCacheStillNeedsKyvernosAnnotationAndInAllModeItIsVerifiedInstead() {
            CacheObject noAnnotation = cache(PINNED, resolved(DIGEST));

            assertThat(CLUSTER.validateCreate(CacheKind.GKM_CACHE, noAnnotation, null).check())
                    .isEqualTo(Check.KYVERNO_ANNOTATION_MISSING);
            assertThat(ALL.imageToVerifyOnValidate(CacheKind.GKM_CACHE, null, noAnnotation)).hasValue(PINNED);
            assertThat(ALL.validateCreate(CacheKind.GKM_CACHE, noAnnotation, verified(DIGEST)).allowed()).isTrue();
        }
    }

    private static CacheObject withSignatureFormat(CacheObject object, String format) {
        return new CacheObject(object.name(), object.namespace(), object.image(),
                Map.of("gkm.io/signature-format", format), object.annotations());
    }
}
