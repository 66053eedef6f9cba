package io.gkm.ingest.admission;

import static io.gkm.ingest.model.GkmApi.KYVERNO_VERIFY_IMAGES_ANNOTATION;
import static io.gkm.ingest.model.GkmApi.RESOLVED_DIGEST_ANNOTATION;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * GKM's mutating and validating rules for GKMCache and ClusterGKMCache, with the holes of GKM's
 * webhook closed. Pure: the request's objects (and, with verification disabled, the registry's
 * answer) in, a decision out.
 *
 * <p>With Kyverno verification enabled, GKM trusts any {@code kyverno.io/verify-images} annotation
 * whose statuses are all {@code pass}, even {@code {}} or another image's. Here the annotation must
 * also have a {@code pass} entry for the repository of {@code spec.image} whose digest is the one
 * pinned in {@code spec.image}, which must be {@code gkm.io/resolvedDigest}. ClusterGKMCaches are
 * denied while verification is enabled: Kyverno never verifies them, so an annotation on one proves
 * nothing.
 */
public final class CacheAdmission {
    /** GKM's budget for resolving a tag in the registry (verification disabled). */
    public static final Duration DIGEST_RESOLUTION_BUDGET = Duration.ofSeconds(10);
    private static final String SHA256 = "sha256";

    private final boolean verificationEnabled;

    public CacheAdmission(KyvernoVerification verification) {
        this.verificationEnabled = verification.enabled();
    }

    public boolean verificationEnabled() {
        return verificationEnabled;
    }

    /**
     * The image the mutating webhook must resolve in the registry before {@link #mutate}: with
     * verification disabled, every non-empty {@code spec.image} (as GKM does).
     */
    public Optional<String> imageToResolve(CacheObject object) {
        return verificationEnabled || object.image().isEmpty() ? Optional.empty() : Optional.of(object.image());
    }

    /**
     * The mutating webhook: sets {@code gkm.io/resolvedDigest}.
     *
     * @param resolution the registry's answer for {@link #imageToResolve}; null when there was none to ask
     */
    public AdmissionDecision mutate(CacheObject object, DigestResolution resolution) {
        if (object.image().isEmpty()) {
            return AdmissionDecision.allow();
        }
        if (verificationEnabled) {
            // Kyverno pinned the digest; GKM writes "" when it did not. An empty digest is never
            // written: without one the annotation is left absent and validation denies.
            return setResolvedDigest(object, pinnedSha256(object.image()).orElse(null));
        }
        Objects.requireNonNull(resolution, "verification is disabled: the image must be resolved first");
        if (resolution instanceof DigestResolution.Failed failed) {
            return AdmissionDecision.badRequest(Check.DIGEST_RESOLUTION_FAILED,
                    "image digest resolution failed for '" + object.image() + "': " + failed.cause());
        }
        String digest = ((DigestResolution.Resolved) resolution).digest();
        if (!isSha256(digest)) {
            return AdmissionDecision.badRequest(Check.DIGEST_RESOLUTION_FAILED, "image digest resolution failed for '"
                    + object.image() + "': the registry answered '" + digest + "', not sha256:<64 hex digits>");
        }
        return setResolvedDigest(object, digest);
    }

    private static AdmissionDecision setResolvedDigest(CacheObject object, String digest) {
        String current = object.annotation(RESOLVED_DIGEST_ANNOTATION);
        if (Objects.equals(current, digest)) {
            return AdmissionDecision.allow();
        }
        return AdmissionDecision.allowWith(digest == null
                ? AnnotationChange.remove(RESOLVED_DIGEST_ANNOTATION)
                : AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, digest));
    }

    /** The validating webhook on CREATE. */
    public AdmissionDecision validateCreate(CacheKind kind, CacheObject object) {
        if (object.image().isEmpty()) {
            return AdmissionDecision.deny(Check.IMAGE_MISSING, "spec.image must be set");
        }
        // GKM checks only that the key exists; an empty digest is no resolution either.
        if (object.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION).isEmpty()) {
            return AdmissionDecision.deny(Check.RESOLVED_DIGEST_MISSING,
                    RESOLVED_DIGEST_ANNOTATION + " must be set by mutating webhook");
        }
        return verificationEnabled ? verified(kind, object) : AdmissionDecision.allow();
    }

    /** The validating webhook on UPDATE. */
    public AdmissionDecision validateUpdate(CacheKind kind, CacheObject old, CacheObject updated) {
        String oldDigest = old.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION);
        String newDigest = updated.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION);
        if (old.image().equals(updated.image())) {
            // The image was admitted before; only the digest must not move under it.
            return oldDigest.equals(newDigest) ? AdmissionDecision.allow() : AdmissionDecision.deny(
                    Check.RESOLVED_DIGEST_CHANGED, RESOLVED_DIGEST_ANNOTATION + " is immutable when spec.image is unchanged");
        }
        if (updated.image().isEmpty()) {
            return AdmissionDecision.deny(Check.IMAGE_MISSING, "spec.image must be set");
        }
        if (newDigest.isEmpty()) {
            return AdmissionDecision.deny(Check.RESOLVED_DIGEST_MISSING_ON_IMAGE_CHANGE,
                    RESOLVED_DIGEST_ANNOTATION + " must be set by mutating webhook when spec.image changes");
        }
        return verificationEnabled ? verified(kind, updated) : AdmissionDecision.allow();
    }

    /** The validating webhook on DELETE: GKM allows every delete. */
    public AdmissionDecision validateDelete() {
        return AdmissionDecision.allow();
    }

    private static AdmissionDecision verified(CacheKind kind, CacheObject object) {
        String annotation = object.annotation(KYVERNO_VERIFY_IMAGES_ANNOTATION);
        if (annotation == null) {
            return AdmissionDecision.deny(Check.KYVERNO_ANNOTATION_MISSING,
                    KYVERNO_VERIFY_IMAGES_ANNOTATION + " must be set by kyverno");
        }
        KyvernoAnnotation verified;
        try {
            verified = KyvernoAnnotation.parse(annotation);
        } catch (IllegalArgumentException e) {
            return kyvernoFailed(Check.KYVERNO_ANNOTATION_UNPARSABLE,
                    "failed to parse " + KYVERNO_VERIFY_IMAGES_ANNOTATION + " annotation: " + e.getMessage());
        }
        for (String status : verified.entries().values()) {
            if (!KyvernoAnnotation.PASS.equals(status)) {
                return kyvernoFailed(Check.KYVERNO_STATUS_NOT_PASS, "kyverno verification status is not 'pass': " + status);
            }
        }
        if (kind == CacheKind.CLUSTER_GKM_CACHE) {
            return AdmissionDecision.deny(Check.CLUSTER_SCOPED_UNVERIFIABLE, "ClusterGKMCache cannot be admitted while "
                    + "Kyverno verification is enabled: Kyverno does not verify cluster-scoped resources, so "
                    + KYVERNO_VERIFY_IMAGES_ANNOTATION + " on a ClusterGKMCache proves nothing");
        }
        return vouchesForPinnedImage(object, verified);
    }

    /** The checks GKM lacks: the annotation must vouch for exactly the pinned image and digest. */
    private static AdmissionDecision vouchesForPinnedImage(CacheObject object, KyvernoAnnotation verified) {
        if (verified.entries().isEmpty()) {
            return kyvernoFailed(Check.KYVERNO_ANNOTATION_EMPTY,
                    KYVERNO_VERIFY_IMAGES_ANNOTATION + " has no entries: Kyverno verified no image");
        }
        Optional<String> pinned = pinnedSha256(object.image());
        if (pinned.isEmpty()) {
            return kyvernoFailed(Check.IMAGE_NOT_PINNED, "spec.image '" + object.image()
                    + "' is not pinned to a sha256 digest, so no verification can be tied to it");
        }
        String resolved = object.annotation(RESOLVED_DIGEST_ANNOTATION);
        if (!pinned.get().equals(resolved)) {
            return kyvernoFailed(Check.RESOLVED_DIGEST_NOT_PINNED_DIGEST, RESOLVED_DIGEST_ANNOTATION + " '" + resolved
                    + "' is not the digest pinned in spec.image '" + object.image() + "'");
        }
        // The repository as a registry names it: docker.io and library/ defaulted, so that Kyverno's
        // docker.io/nginx and a spec's nginx or docker.io/library/nginx are one repository.
        String repository = ImageReference.parse(object.image()).name();
        List<String> sameRepository = new ArrayList<>();
        for (Map.Entry<String, String> entry : verified.entries().entrySet()) {
            Optional<ImageReference> vouched = parse(entry.getKey());
            if (vouched.isPresent() && vouched.get().name().equals(repository)) {
                if (sha256Of(vouched.get()).filter(resolved::equals).isPresent()) {
                    return AdmissionDecision.allow();
                }
                sameRepository.add(entry.getKey());
            }
        }
        if (sameRepository.isEmpty()) {
            return kyvernoFailed(Check.KYVERNO_NO_ENTRY_FOR_IMAGE, KYVERNO_VERIFY_IMAGES_ANNOTATION
                    + " has no entry for image " + repository + " (it names " + verified.entries().keySet() + ")");
        }
        boolean anyDigest = sameRepository.stream().anyMatch(r -> pinnedSha256(r).isPresent());
        if (!anyDigest) {
            return kyvernoFailed(Check.KYVERNO_ENTRY_WITHOUT_DIGEST, KYVERNO_VERIFY_IMAGES_ANNOTATION + " vouches for "
                    + sameRepository + " by tag only, not for digest " + resolved);
        }
        return kyvernoFailed(Check.KYVERNO_ENTRY_DIGEST_MISMATCH, KYVERNO_VERIFY_IMAGES_ANNOTATION + " vouches for "
                + sameRepository + ", not for " + RESOLVED_DIGEST_ANNOTATION + " " + resolved);
    }

    private static AdmissionDecision kyvernoFailed(Check check, String cause) {
        return AdmissionDecision.deny(check, "kyverno verification failed: " + cause);
    }

    /** The {@code sha256:<hex>} digest {@code image} is pinned to; empty when none or not a reference. */
    private static Optional<String> pinnedSha256(String image) {
        return parse(image).flatMap(CacheAdmission::sha256Of);
    }

    private static Optional<String> sha256Of(ImageReference image) {
        return image.digest().filter(d -> d.algorithm().equals(SHA256)).map(Digest::toString);
    }

    private static boolean isSha256(String digest) {
        try {
            return Digest.parse(digest).algorithm().equals(SHA256);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<ImageReference> parse(String reference) {
        try {
            return Optional.of(ImageReference.parse(reference));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
