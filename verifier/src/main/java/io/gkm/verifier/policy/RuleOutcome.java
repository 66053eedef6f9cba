package io.gkm.verifier.policy;

import java.util.List;
import java.util.Objects;

/**
 * One rule applied to one resource.
 *
 * @param policy the policy
 * @param rule the rule
 * @param status whether the rule applies
 * @param reason why (the failing match criterion, the excluding filter, the extraction error, or
 *               how many images were found)
 * @param images for an applicable rule, each extracted image against each {@code verifyImages}
 *               entry, in image then entry order; else empty
 */
public record RuleOutcome(ClusterPolicy policy, Rule rule, Status status, String reason, List<ImageOutcome> images) {

    public RuleOutcome {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        images = List.copyOf(images);
    }

    /** {@code policy/rule}, as reasons name a rule. */
    public String ruleId() {
        return policy.name() + "/" + rule.name();
    }

    public enum Status {
        /** Matched and not excluded; its images are in {@link #images()}. */
        APPLIES,
        /** {@code match} does not select the resource. */
        NOT_MATCHED,
        /** Selected, then removed by {@code exclude}. */
        EXCLUDED,
        /** Selected, but an image could not be read (bad reference, resource not shaped as the extractor expects). */
        IMAGE_ERROR
    }
}
