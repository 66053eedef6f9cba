package io.gkm.verifier.policy;

import io.gkm.core.image.ImageReference;
import io.gkm.verifier.identity.Wildcard;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code verifyImages[]} entry.
 *
 * @param type {@code type}; {@code Cosign} when not set
 * @param imageReferences {@code imageReferences}: {@link Wildcard} globs over
 *                        {@link ImageReference#kyvernoForm()}; at least one
 * @param skipImageReferences {@code skipImageReferences}: globs for images not to verify
 * @param mutateDigest {@code mutateDigest} (default true): pin the digest into the resource
 * @param verifyDigest {@code verifyDigest} (default true): require the image to be named by digest
 * @param required {@code required} (default true): the image must have been verified
 * @param failureAction the effective failure action: {@code failureAction}, else the policy's
 *                      {@code validationFailureAction}, else {@code Audit}
 * @param attestors {@code attestors}: every set must be satisfied; at least one
 * @param path where the entry is in the policy, e.g. {@code spec.rules[0].verifyImages[0]}
 */
public record ImageVerification(
        SignatureType type,
        List<String> imageReferences,
        List<String> skipImageReferences,
        boolean mutateDigest,
        boolean verifyDigest,
        boolean required,
        FailureAction failureAction,
        List<AttestorSet> attestors,
        String path) {

    public ImageVerification {
        Objects.requireNonNull(type, "type");
        imageReferences = List.copyOf(imageReferences);
        skipImageReferences = List.copyOf(skipImageReferences);
        Objects.requireNonNull(failureAction, "failureAction");
        attestors = List.copyOf(attestors);
        Objects.requireNonNull(path, "path");
    }

    /** The first {@code imageReferences} glob that matches {@code image}, if any. */
    public Optional<String> referencedBy(ImageReference image) {
        return firstMatch(imageReferences, image);
    }

    /** The first {@code skipImageReferences} glob that matches {@code image}, if any. */
    public Optional<String> skippedBy(ImageReference image) {
        return firstMatch(skipImageReferences, image);
    }

    /**
     * Judges every attestor set from its per-entry outcomes.
     *
     * @param outcomesPerSet one list per attestor set, in policy order (see {@link AttestorSet#evaluate})
     * @throws IllegalArgumentException when the number of lists is not the number of sets
     */
    public AttestorsOutcome evaluate(List<List<EntryOutcome>> outcomesPerSet) {
        if (outcomesPerSet.size() != attestors.size()) {
            throw new IllegalArgumentException(path + ": " + outcomesPerSet.size() + " outcome lists for "
                    + attestors.size() + " attestor sets");
        }
        List<AttestorSetOutcome> sets = new ArrayList<>();
        for (int i = 0; i < attestors.size(); i++) {
            sets.add(attestors.get(i).evaluate(outcomesPerSet.get(i)));
        }
        return new AttestorsOutcome(sets);
    }

    private static Optional<String> firstMatch(List<String> globs, ImageReference image) {
        String form = image.kyvernoForm();
        return globs.stream().filter(glob -> Wildcard.matches(glob, form)).findFirst();
    }
}
