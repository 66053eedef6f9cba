package io.gkm.verifier.policy;

import java.util.List;
import java.util.Objects;

/**
 * Every rule of every policy applied to one resource.
 *
 * @param resource the resource
 * @param rules one outcome per rule, in policy then rule order
 */
public record PolicyEvaluation(KubeResource resource, List<RuleOutcome> rules) {

    public PolicyEvaluation {
        Objects.requireNonNull(resource, "resource");
        rules = List.copyOf(rules);
    }

    /** The rules that select the resource: {@code APPLIES} or {@code IMAGE_ERROR}. */
    public List<RuleOutcome> selectingRules() {
        return rules.stream()
                .filter(r -> r.status() == RuleOutcome.Status.APPLIES || r.status() == RuleOutcome.Status.IMAGE_ERROR)
                .toList();
    }

    /** The (image, verifyImages entry) pairs that need signature verification. */
    public List<ImageOutcome> toVerify() {
        return rules.stream()
                .flatMap(r -> r.images().stream())
                .filter(i -> i.selection() == ImageOutcome.Selection.VERIFY)
                .toList();
    }

    /** One line per rule: {@code policy/rule: STATUS: reason}. */
    public List<String> reasons() {
        return rules.stream().map(r -> r.ruleId() + ": " + r.status() + ": " + r.reason()).toList();
    }
}
