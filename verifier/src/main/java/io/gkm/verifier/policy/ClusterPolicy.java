package io.gkm.verifier.policy;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Kyverno {@code ClusterPolicy} reduced to what image verification uses.
 *
 * @param name {@code metadata.name}
 * @param source where it was read from
 * @param validationFailureAction {@code spec.validationFailureAction}; {@code Audit} when absent,
 *                                as Kyverno defaults it
 * @param background {@code spec.background} (default true): whether Kyverno also scans existing
 *                   resources; recorded, it does not change a verdict
 * @param webhookTimeoutSeconds {@code spec.webhookTimeoutSeconds} (1 to 30), when set
 * @param rules in policy order
 */
public record ClusterPolicy(
        String name,
        PolicySource source,
        FailureAction validationFailureAction,
        boolean background,
        OptionalInt webhookTimeoutSeconds,
        List<Rule> rules) {

    public ClusterPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(validationFailureAction, "validationFailureAction");
        Objects.requireNonNull(webhookTimeoutSeconds, "webhookTimeoutSeconds");
        rules = List.copyOf(rules);
    }
}
