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
 * answer; for a kind verified inline, the verifier's) in, a decision out.
 *
 * <p>With Kyverno verification enabled, GKM trusts any {@code kyverno.io/verify-images} annotation
 * whose statuses are all {@code pass}, even {@code {}} or another image's. Here the annotation must
 * also have a {@code pass} entry for the repository of {@code spec.image} whose digest is the one
 * pinned in {@code spec.image}, which must be {@code gkm.io/resolvedDigest}.
 *
 * <p>Kyverno never verifies a ClusterGKMCache, so an annotation on one proves nothing. The kinds
 * {@link InlineVerify} covers (ClusterGKMCache by default) are verified by the webhook itself: the
 * mutating webhook verifies {@code spec.image} and pins the verified digest as Kyverno's
 * {@code mutateDigest} does; the validating webhook verifies the pinned image again, since nothing
 * in the object can prove that the mutating webhook verified it (a client can write any
 * annotation). A ClusterGKMCache not covered is denied while verification is enabled, as in GKM.
 */
public final class CacheAdmission {
    /** GKM's budget for resolving a tag in the registry (verification disabled). */
    public static final Duration DIGEST_RESOLUTION_BUDGET = Duration.ofSeconds(10);
    private static final String SHA256 = "sha256";
    private static final String INLINE_FAILED = "image verification failed for '";

    private final boolean verificationEnabled;
    private final InlineVerify inline;

    public CacheAdmission(KyvernoVerification verification, InlineVerify inline) {
        this.verificationEnabled = verification.enabled();
        this.inline = inline;
    }

    public boolean verificationEnabled() {
        return verificationEnabled;
    }

    /** Whether the webhook verifies {@code kind}'s images itself: inline verification covers it and verification is on. */
    public boolean verifiesInline(CacheKind kind) {
        return verificationEnabled && inline.covers(kind);
    }

    /**
     * The image the mutating webhook must resolve in the registry before {@link #mutate}: with
     * verification disabled, every non-empty {@code spec.image} (as GKM does).
     */
    public Optional<String> imageToResolve(CacheObject object) {
        return verificationEnabled || object.image().isEmpty() ? Optional.empty() : Optional.of(object.image());
    }

    /**
     * The image the mutating webhook must verify before {@link #mutateVerified}: {@code spec.image} of
     * a kind verified inline, unless an update leaves both it and the labels as they were admitted.
     *
     * @param old the object before an update; null on create
     */
    public Optional<String> imageToVerifyOnMutate(CacheKind kind, CacheObject old, CacheObject object) {
        return verifiesInline(kind) && !object.image().isEmpty() && !asAdmitted(old, object)
                ? Optional.of(object.image()) : Optional.empty();
    }

    /**
     * Whether an update keeps what the admitted verification was about: the image, and the labels,
     * which choose the policy (gkm.io/signature-format picks cosign v2 or v3, and a policy may
     * select on any label). False on create.
     */
    private static boolean asAdmitted(CacheObject old, CacheObject object) {
        return old != null && old.image().equals(object.image()) && old.labels().equals(object.labels());
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

    /**
     * The mutating webhook for an image verified inline ({@link #imageToVerifyOnMutate}): verified →
     * {@code spec.image} pinned to the verified digest ({@code registry/path:tag@sha256:...}, as
     * Kyverno's {@code mutateDigest} writes it; an image already pinned is left as written) and
     * {@code gkm.io/resolvedDigest} set; anything else → denied with the verifier's reasons.
     */
    public AdmissionDecision mutateVerified(CacheObject object, InlineVerification verification) {
        Optional<AdmissionDecision> failed = notVerified(object, verification);
        if (failed.isPresent()) {
            return failed.get();
        }
        String digest = verification.digest();
        ImageReference image = ImageReference.parse(object.image());
        List<ObjectChange> changes = new ArrayList<>();
        String message = "image verified by the GKM webhook: " + verification.summary();
        if (image.digest().isEmpty()) {
            String pinned = image.kyvernoForm() + "@" + digest;
            changes.add(new ImageChange(pinned));
            message += "; spec.image pinned to " + pinned;
        }
        if (!digest.equals(object.annotation(RESOLVED_DIGEST_ANNOTATION))) {
            changes.add(AnnotationChange.set(RESOLVED_DIGEST_ANNOTATION, digest));
        }
        return AdmissionDecision.allowWith(changes, message);
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

    /**
     * The pinned image the validating webhook must verify before {@link #validateCreate} or
     * {@link #validateUpdate} can decide: for a kind verified inline whose object passes every
     * other check; empty when the decision needs no verification.
     *
     * @param old the object before an update; null on create
     */
    public Optional<String> imageToVerifyOnValidate(CacheKind kind, CacheObject old, CacheObject object) {
        return verifiesInline(kind) && beforeVerification(kind, old, object).isEmpty()
                ? Optional.of(object.image()) : Optional.empty();
    }

    /**
     * The validating webhook on CREATE.
     *
     * @param verification the verifier's verdict on {@link #imageToVerifyOnValidate}; null when there was none to ask
     */
    public AdmissionDecision validateCreate(CacheKind kind, CacheObject object, InlineVerification verification) {
        return beforeVerification(kind, null, object).orElseGet(() -> afterVerification(object, verification));
    }

    /**
     * The validating webhook on UPDATE.
     *
     * @param verification the verifier's verdict on {@link #imageToVerifyOnValidate}; null when there was none to ask
     */
    public AdmissionDecision validateUpdate(CacheKind kind, CacheObject old, CacheObject updated,
                                            InlineVerification verification) {
        return beforeVerification(kind, old, updated).orElseGet(() -> afterVerification(updated, verification));
    }

    /** The validating decision made without verifying the image; empty when only the verification can decide. */
    private Optional<AdmissionDecision> beforeVerification(CacheKind kind, CacheObject old, CacheObject object) {
        if (old == null) {
            if (object.image().isEmpty()) {
                return Optional.of(AdmissionDecision.deny(Check.IMAGE_MISSING, "spec.image must be set"));
            }
            // GKM checks only that the key exists; an empty digest is no resolution either.
            if (object.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION).isEmpty()) {
                return Optional.of(AdmissionDecision.deny(Check.RESOLVED_DIGEST_MISSING,
                        RESOLVED_DIGEST_ANNOTATION + " must be set by mutating webhook"));
            }
        } else {
            String oldDigest = old.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION);
            String newDigest = object.annotationOrEmpty(RESOLVED_DIGEST_ANNOTATION);
            if (old.image().equals(object.image())) {
                // The image was admitted before; the digest must not move under it.
                if (!oldDigest.equals(newDigest)) {
                    return Optional.of(AdmissionDecision.deny(Check.RESOLVED_DIGEST_CHANGED,
                            RESOLVED_DIGEST_ANNOTATION + " is immutable when spec.image is unchanged"));
                }
                // New labels may choose another policy: a kind verified inline is verified again.
                if (asAdmitted(old, object) || !verifiesInline(kind) || object.image().isEmpty()) {
                    return Optional.of(AdmissionDecision.allow());
                }
                return notPinnedAsResolved(object);
            }
            if (object.image().isEmpty()) {
                return Optional.of(AdmissionDecision.deny(Check.IMAGE_MISSING, "spec.image must be set"));
            }
            if (newDigest.isEmpty()) {
                return Optional.of(AdmissionDecision.deny(Check.RESOLVED_DIGEST_MISSING_ON_IMAGE_CHANGE,
                        RESOLVED_DIGEST_ANNOTATION + " must be set by mutating webhook when spec.image changes"));
            }
        }
        if (!verificationEnabled) {
            return Optional.of(AdmissionDecision.allow());
        }
        if (!verifiesInline(kind)) {
            return Optional.of(verified(kind, object));
        }
        return notPinnedAsResolved(object);
    }

    /** Denied unless {@code spec.image} is pinned to {@code gkm.io/resolvedDigest}; empty when it is. */
    private static Optional<AdmissionDecision> notPinnedAsResolved(CacheObject object) {
        return pinnedAsResolved(object).map(cause -> AdmissionDecision.deny(cause.check(),
                INLINE_FAILED + object.image() + "': " + cause.message()));
    }

    /** The validating decision on a kind verified inline, once the pinned image is verified. */
    private static AdmissionDecision afterVerification(CacheObject object, InlineVerification verification) {
        Objects.requireNonNull(verification, "the image is verified inline: verify imageToVerifyOnValidate first");
        return notVerified(object, verification).orElseGet(() ->
                AdmissionDecision.allowWith(List.of(), "image verified by the GKM webhook: " + verification.summary()));
    }

    /** Denied unless the verifier verified {@code object}'s image, at the digest pinned in it if one is. */
    private static Optional<AdmissionDecision> notVerified(CacheObject object, InlineVerification verification) {
        Check check = switch (verification.outcome()) {
            case VERIFIED -> Check.NONE;
            case REJECTED -> Check.INLINE_VERIFICATION_REJECTED;
            case ERROR -> Check.INLINE_VERIFICATION_ERROR;
            case TIMED_OUT -> Check.INLINE_VERIFICATION_TIMED_OUT;
        };
        if (check != Check.NONE) {
            return Optional.of(AdmissionDecision.deny(check, INLINE_FAILED + object.image() + "': "
                    + verification.summary()));
        }
        Optional<String> pinned = pinnedSha256(object.image());
        if (pinned.isPresent() && !pinned.get().equals(verification.digest())) {
            return Optional.of(AdmissionDecision.deny(Check.INLINE_VERIFIED_OTHER_DIGEST, INLINE_FAILED + object.image()
                    + "': the verifier verified " + verification.digest() + ", not the digest pinned in spec.image"));
        }
        return Optional.empty();
    }

    /** A failed check with its cause, before the message says in which verification. */
    private record Failure(Check check, String message) {
    }

    /**
     * What every verification of a pinned image needs: {@code spec.image} pinned to a sha256 digest,
     * which is {@code gkm.io/resolvedDigest}; empty when it holds.
     */
    private static Optional<Failure> pinnedAsResolved(CacheObject object) {
        Optional<String> pinned = pinnedSha256(object.image());
        if (pinned.isEmpty()) {
            return Optional.of(new Failure(Check.IMAGE_NOT_PINNED, "spec.image '" + object.image()
                    + "' is not pinned to a sha256 digest, so no verification can be tied to it"));
        }
        String resolved = object.annotation(RESOLVED_DIGEST_ANNOTATION);
        if (!pinned.get().equals(resolved)) {
            return Optional.of(new Failure(Check.RESOLVED_DIGEST_NOT_PINNED_DIGEST, RESOLVED_DIGEST_ANNOTATION + " '"
                    + resolved + "' is not the digest pinned in spec.image '" + object.image() + "'"));
        }
        return Optional.empty();
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
                    + "Kyverno verification is enabled and GKM_INLINE_VERIFY=off: Kyverno does not verify cluster-scoped "
                    + "resources, so " + KYVERNO_VERIFY_IMAGES_ANNOTATION + " on a ClusterGKMCache proves nothing "
                    + "(GKM_INLINE_VERIFY=cluster has the GKM webhook verify it)");
        }
        return vouchesForPinnedImage(object, verified);
    }

    /** The checks GKM lacks: the annotation must vouch for exactly the pinned image and digest. */
    private static AdmissionDecision vouchesForPinnedImage(CacheObject object, KyvernoAnnotation verified) {
        if (verified.entries().isEmpty()) {
            return kyvernoFailed(Check.KYVERNO_ANNOTATION_EMPTY,
                    KYVERNO_VERIFY_IMAGES_ANNOTATION + " has no entries: Kyverno verified no image");
        }
        Optional<Failure> unpinned = pinnedAsResolved(object);
        if (unpinned.isPresent()) {
            return kyvernoFailed(unpinned.get().check(), unpinned.get().message());
        }
        String resolved = object.annotation(RESOLVED_DIGEST_ANNOTATION);
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
