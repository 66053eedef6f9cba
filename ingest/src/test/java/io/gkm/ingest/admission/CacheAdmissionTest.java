package io.gkm.ingest.admission;

import static io.gkm.ingest.model.GkmApi.KYVERNO_VERIFY_IMAGES_ANNOTATION;
import static io.gkm.ingest.model.GkmApi.RESOLVED_DIGEST_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheAdmissionTest {
    static final String DIGEST = "sha256:bf6f7ea60274882031ad81434aa9c9ac0e4ff280cd1513db239dbbd705b6511c";
    static final String OTHER_DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String REPO = "quay.io/gkm/cache-examples";
    static final String TAGGED = REPO + ":vector-add-cache-rocm";
    static final String PINNED = TAGGED + "@" + DIGEST;

    private final CacheAdmission enabled = new CacheAdmission(KyvernoVerification.ENABLED, InlineVerify.OFF);
    private final CacheAdmission disabled = new CacheAdmission(KyvernoVerification.DISABLED, InlineVerify.OFF);

    static CacheObject cache(String image, Map<String, String> annotations) {
        return new CacheObject("vector-add-cache-rocm-1", "gkm-test-ns-scoped-1", image,
                Map.of("gkm.io/signature-format", "cosign-v2"), annotations);
    }

    /** What Kyverno leaves: the pinned image and its annotation, plus our digest annotation. */
    static Map<String, String> verifiedAnnotations(String kyvernoValue) {
        Map<String, String> a = new HashMap<>();
        a.put(RESOLVED_DIGEST_ANNOTATION, DIGEST);
        a.put(KYVERNO_VERIFY_IMAGES_ANNOTATION, kyvernoValue);
        return a;
    }

    @Nested
    class MutateWithVerificationEnabled {
        @Test
        void setsTheDigestKyvernoPinned() {
            AdmissionDecision d = enabled.mutate(cache(PINNED, Map.of()), null);

            assertThat(d.allowed()).isTrue();
            assertThat(d.changes()).containsExactly(AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, DIGEST));
        }

        @Test
        void leavesAnUpToDateDigestAlone() {
            AdmissionDecision d = enabled.mutate(cache(PINNED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null);

            assertThat(d).isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void replacesAStaleDigest() {
            AdmissionDecision d = enabled.mutate(cache(PINNED, Map.of(RESOLVED_DIGEST_ANNOTATION, OTHER_DIGEST)), null);

            assertThat(d.changes()).containsExactly(AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, DIGEST));
        }

        @Test
        void neverWritesAnEmptyDigestForAnUnpinnedImage() {
            AdmissionDecision d = enabled.mutate(cache(TAGGED, Map.of()), null);

            assertThat(d).isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void removesADigestThatNoPinBacks() {
            AdmissionDecision d = enabled.mutate(cache(TAGGED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null);

            assertThat(d.allowed()).isTrue();
            assertThat(d.changes()).containsExactly(AnnotationChange.remove(RESOLVED_DIGEST_ANNOTATION));
        }

        @Test
        void skipsAnEmptyImage() {
            assertThat(enabled.mutate(cache("", Map.of()), null)).isEqualTo(AdmissionDecision.allow());
            assertThat(enabled.imageToResolve(cache(TAGGED, Map.of()))).isEmpty();
        }
    }

    @Nested
    class MutateWithVerificationDisabled {
        @Test
        void asksTheRegistryForEveryImage() {
            assertThat(disabled.imageToResolve(cache(TAGGED, Map.of()))).hasValue(TAGGED);
            assertThat(disabled.imageToResolve(cache(PINNED, Map.of()))).hasValue(PINNED);
            assertThat(disabled.imageToResolve(cache("", Map.of()))).isEmpty();
        }

        @Test
        void setsTheDigestTheRegistryResolved() {
            AdmissionDecision d = disabled.mutate(cache(TAGGED, Map.of()), new DigestResolution.Resolved(DIGEST));

            assertThat(d.changes()).containsExactly(AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, DIGEST));
        }

        @Test
        void refusesWithGkmsMessageWhenResolutionFails() {
            AdmissionDecision d = disabled.mutate(cache(TAGGED, Map.of()),
                    new DigestResolution.Failed("fetch image descriptor: MANIFEST_UNKNOWN"));

            assertThat(d.allowed()).isFalse();
            assertThat(d.code()).isEqualTo(400);
            assertThat(d.check()).isEqualTo(Check.DIGEST_RESOLUTION_FAILED);
            assertThat(d.message()).isEqualTo("image digest resolution failed for '" + TAGGED
                    + "': fetch image descriptor: MANIFEST_UNKNOWN");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "sha256:abc", "md5:0123"})
        void refusesADigestThatIsNotSha256(String answer) {
            AdmissionDecision d = disabled.mutate(cache(TAGGED, Map.of()), new DigestResolution.Resolved(answer));

            assertThat(d.allowed()).isFalse();
            assertThat(d.message()).startsWith("image digest resolution failed for '" + TAGGED + "': ")
                    .contains("'" + answer + "'");
        }

        @Test
        void validationChecksOnlyImageAndDigest() {
            assertThat(disabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(TAGGED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null)).isEqualTo(AdmissionDecision.allow());
            assertThat(disabled.validateCreate(CacheKind.CLUSTER_GKM_CACHE,
                    cache(TAGGED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null)).isEqualTo(AdmissionDecision.allow());
            assertThat(disabled.validateCreate(CacheKind.GKM_CACHE, cache(TAGGED, Map.of()), null).message())
                    .isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
        }
    }

    @Nested
    class ValidateCreateWithGkmsMessages {
        @Test
        void deniesAnEmptyImage() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache("", verifiedAnnotations("{}")), null);

            assertThat(d.allowed()).isFalse();
            assertThat(d.code()).isEqualTo(403);
            assertThat(d.message()).isEqualTo("spec.image must be set");
        }

        @ParameterizedTest
        @ValueSource(strings = {"absent", ""})
        void deniesAMissingOrEmptyResolvedDigest(String value) {
            Map<String, String> a = value.equals("absent") ? Map.of() : Map.of(RESOLVED_DIGEST_ANNOTATION, value);

            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, a), null);

            assertThat(d.message()).isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
        }

        @Test
        void deniesAMissingKyvernoAnnotation() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null);

            assertThat(d.message()).isEqualTo("kyverno.io/verify-images must be set by kyverno");
        }

        @ParameterizedTest
        @ValueSource(strings = {"not json", "[\"pass\"]", "{\"" + PINNED + "\": true}", "{} trailing", ""})
        void deniesAnUnparsableKyvernoAnnotation(String value) {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, verifiedAnnotations(value)), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_ANNOTATION_UNPARSABLE);
            assertThat(d.message()).startsWith(
                    "kyverno verification failed: failed to parse kyverno.io/verify-images annotation: ");
        }

        @ParameterizedTest
        @ValueSource(strings = {"fail", "skip", "PASS", ""})
        void deniesAStatusOtherThanPass(String status) {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"" + status + "\"}")), null);

            assertThat(d.message()).isEqualTo("kyverno verification failed: kyverno verification status is not 'pass': " + status);
        }
    }

    @Nested
    class ValidateCreateAsKyvernoLeftIt {
        @ParameterizedTest
        @ValueSource(strings = {REPO + "@" + DIGEST, TAGGED + "@" + DIGEST})
        void allowsAPassForThePinnedImageAndDigest(String kyvernoKey) {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"" + kyvernoKey + "\":\"pass\"}")), null);

            assertThat(d).isEqualTo(AdmissionDecision.allow());
        }

        @ParameterizedTest
        @CsvSource({
            "gkm/cache:v1,                  docker.io/gkm/cache",
            "nginx:1.27,                    docker.io/nginx",
            "docker.io/library/nginx:1.27,  docker.io/nginx",
            "index.docker.io/nginx,         docker.io/library/nginx",
            "localhost:5000/gkm/cache:v1,   localhost:5000/gkm/cache",
        })
        void matchesKyvernosFormOfTheImageWithDockerHubDefaults(String image, String kyvernoName) {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(image + "@" + DIGEST,
                    verifiedAnnotations("{\"" + kyvernoName + "@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d).isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void anotherRegistrysRepositoryOfTheSameNameIsAnotherImage() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache("quay.io/nginx@" + DIGEST,
                    verifiedAnnotations("{\"docker.io/nginx@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_NO_ENTRY_FOR_IMAGE);
        }

        @Test
        void allowsFurtherPassesForOtherImages() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, verifiedAnnotations(
                    "{\"quay.io/other/image@" + OTHER_DIGEST + "\":\"pass\",\"" + REPO + "@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d).isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void deniesEveryClusterGkmCacheWhenInlineVerificationIsOff() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.CLUSTER_GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.CLUSTER_SCOPED_UNVERIFIABLE);
            assertThat(d.message()).contains("ClusterGKMCache").contains("cluster-scoped");
        }
    }

    @Nested
    class ForgedAnnotations {
        @Test
        void eachForgeryIsDeniedWithItsOwnMessage() {
            Map<String, CacheObject> forgeries = Map.of(
                    "empty", cache(PINNED, verifiedAnnotations("{}")),
                    "null", cache(PINNED, verifiedAnnotations("null")),
                    "another image's pass", cache(PINNED, verifiedAnnotations("{\"quay.io/other/image@" + DIGEST + "\":\"pass\"}")),
                    "another digest's pass", cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + OTHER_DIGEST + "\":\"pass\"}")),
                    "a tag's pass", cache(PINNED, verifiedAnnotations("{\"" + TAGGED + "\":\"pass\"}")),
                    "skip", cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"skip\"}")),
                    "fail", cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"fail\"}")));
            Set<String> messages = new LinkedHashSet<>();

            forgeries.forEach((forgery, object) -> {
                AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, object, null);
                assertThat(d.allowed()).as(forgery).isFalse();
                assertThat(d.code()).as(forgery).isEqualTo(403);
                messages.add(d.message());
            });

            // {} and null are the same to GKM's Go map, so they share one message
            assertThat(messages).hasSize(forgeries.size() - 1);
        }

        @Test
        void anEmptyAnnotationSaysKyvernoVerifiedNothing() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, verifiedAnnotations("{}")), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_ANNOTATION_EMPTY);
            assertThat(d.message()).isEqualTo("kyverno verification failed: kyverno.io/verify-images has no entries: "
                    + "Kyverno verified no image");
        }

        @Test
        void anotherImagesPassSaysThisImageHasNoEntry() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"quay.io/other/image@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_NO_ENTRY_FOR_IMAGE);
            assertThat(d.message()).startsWith("kyverno verification failed: kyverno.io/verify-images has no entry for image "
                    + REPO + " ");
        }

        @Test
        void anotherDigestsPassNamesBothDigests() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + OTHER_DIGEST + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_ENTRY_DIGEST_MISMATCH);
            assertThat(d.message()).contains(OTHER_DIGEST).contains(DIGEST);
        }

        @Test
        void aPassByTagOnlyIsNotAPassForTheDigest() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(PINNED, verifiedAnnotations("{\"" + TAGGED + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.KYVERNO_ENTRY_WITHOUT_DIGEST);
        }

        @Test
        void anUnpinnedImageIsDeniedEvenWithADigestAndAPass() {
            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE,
                    cache(TAGGED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"pass\"}")), null);

            assertThat(d.check()).isEqualTo(Check.IMAGE_NOT_PINNED);
            assertThat(d.message()).contains("'" + TAGGED + "'");
        }

        @Test
        void aResolvedDigestThatIsNotThePinnedOneIsDenied() {
            Map<String, String> a = verifiedAnnotations("{\"" + REPO + "@" + OTHER_DIGEST + "\":\"pass\"}");
            a.put(RESOLVED_DIGEST_ANNOTATION, OTHER_DIGEST);

            AdmissionDecision d = enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, a), null);

            assertThat(d.check()).isEqualTo(Check.RESOLVED_DIGEST_NOT_PINNED_DIGEST);
            assertThat(d.message()).contains(OTHER_DIGEST).contains(PINNED);
        }
    }

    @Nested
    class ValidateUpdate {
        private final CacheObject admitted = cache(PINNED, verifiedAnnotations("{\"" + REPO + "@" + DIGEST + "\":\"pass\"}"));

        @Test
        void allowsMetadataChangesUnderAnUnchangedImageAndDigest() {
            CacheObject relabelled = new CacheObject(admitted.name(), admitted.namespace(), PINNED,
                    Map.of("team", "a"), admitted.annotations());

            assertThat(enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, relabelled, null)).isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void deniesADigestChangeUnderAnUnchangedImage() {
            Map<String, String> a = new HashMap<>(admitted.annotations());
            a.put(RESOLVED_DIGEST_ANNOTATION, OTHER_DIGEST);

            AdmissionDecision d = enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, cache(PINNED, a), null);

            assertThat(d.message()).isEqualTo("gkm.io/resolvedDigest is immutable when spec.image is unchanged");
        }

        @Test
        void deniesANewImageWithoutDigest() {
            AdmissionDecision d = enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, cache(REPO + ":v2", Map.of()), null);

            assertThat(d.message()).isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook when spec.image changes");
        }

        @Test
        void deniesAnEmptiedImage() {
            AdmissionDecision d = enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, cache("", admitted.annotations()), null);

            assertThat(d.message()).isEqualTo("spec.image must be set");
        }

        @Test
        void checksTheKyvernoAnnotationOfANewImageAsOnCreate() {
            String newImage = REPO + ":v2@" + OTHER_DIGEST;
            Map<String, String> stale = new HashMap<>(admitted.annotations());
            stale.put(RESOLVED_DIGEST_ANNOTATION, OTHER_DIGEST);
            Map<String, String> fresh = new HashMap<>(stale);
            fresh.put(KYVERNO_VERIFY_IMAGES_ANNOTATION, "{\"" + REPO + "@" + OTHER_DIGEST + "\":\"pass\"}");

            assertThat(enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, cache(newImage, stale), null).check())
                    .isEqualTo(Check.KYVERNO_ENTRY_DIGEST_MISMATCH);
            assertThat(enabled.validateUpdate(CacheKind.GKM_CACHE, admitted, cache(newImage, fresh), null))
                    .isEqualTo(AdmissionDecision.allow());
        }

        @Test
        void allowsEveryDelete() {
            assertThat(enabled.validateDelete()).isEqualTo(AdmissionDecision.allow());
        }
    }

    @Test
    void everyDenialMessageOfGkmIsKeptWordForWord() {
        List<String> gkm = List.of(
                "spec.image must be set",
                "gkm.io/resolvedDigest must be set by mutating webhook",
                "kyverno.io/verify-images must be set by kyverno",
                "gkm.io/resolvedDigest is immutable when spec.image is unchanged",
                "gkm.io/resolvedDigest must be set by mutating webhook when spec.image changes");
        List<String> ours = List.of(
                enabled.validateCreate(CacheKind.GKM_CACHE, cache("", Map.of()), null).message(),
                enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, Map.of()), null).message(),
                enabled.validateCreate(CacheKind.GKM_CACHE, cache(PINNED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)), null).message(),
                enabled.validateUpdate(CacheKind.GKM_CACHE, cache(PINNED, Map.of(RESOLVED_DIGEST_ANNOTATION, DIGEST)),
                        cache(PINNED, Map.of()), null).message(),
                enabled.validateUpdate(CacheKind.GKM_CACHE, cache(PINNED, Map.of()), cache(TAGGED, Map.of()), null).message());

        assertThat(ours).isEqualTo(gkm);
    }
}
