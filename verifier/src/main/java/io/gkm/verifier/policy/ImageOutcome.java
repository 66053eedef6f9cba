package io.gkm.verifier.policy;

import java.util.Objects;

/**
 * What one {@code verifyImages} entry of an applicable rule does with one extracted image.
 *
 * @param policy the policy
 * @param rule the rule
 * @param image the image
 * @param verification the {@code verifyImages} entry
 * @param selection whether the image is to be verified
 * @param reason the glob that decided it
 */
public record ImageOutcome(
        ClusterPolicy policy,
        Rule rule,
        ExtractedImage image,
        ImageVerification verification,
        Selection selection,
        String reason) {

    public ImageOutcome {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether an image goes to signature verification. */
    public enum Selection {
        /** Matched by {@code imageReferences} and not by {@code skipImageReferences}. */
        VERIFY,
        /** Matched by no {@code imageReferences} glob: this entry does not concern it. */
        NOT_REFERENCED,
        /** Matched by a {@code skipImageReferences} glob. */
        SKIPPED
    }
}
