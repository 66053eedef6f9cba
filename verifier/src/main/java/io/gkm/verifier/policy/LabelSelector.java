package io.gkm.verifier.policy;

import io.gkm.verifier.identity.Wildcard;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes label selector ({@code selector} in a resource filter); all of its requirements
 * must hold.
 *
 * <p>Kyverno's extension: a {@code matchLabels} key or value holding {@code *} or {@code ?} is a
 * {@link Wildcard} glob, met by any one label whose key and value both match.
 *
 * @param matchLabels label → required value
 * @param matchExpressions set-based requirements
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    public LabelSelector {
        matchLabels = Collections.unmodifiableMap(new LinkedHashMap<>(matchLabels));
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** Why {@code labels} do not satisfy this selector, or empty when they do. */
    public Optional<String> mismatch(Map<String, String> labels) {
        for (Map.Entry<String, String> required : matchLabels.entrySet()) {
            String key = required.getKey();
            String value = required.getValue();
            if (Wildcard.containsWildcard(key) || Wildcard.containsWildcard(value)) {
                boolean found = labels.entrySet().stream()
                        .anyMatch(label -> Wildcard.matches(key, label.getKey())
                                && Wildcard.matches(value, label.getValue()));
                if (!found) {
                    return Optional.of("no label matches " + key + "=" + value);
                }
            } else if (!value.equals(labels.get(key))) {
                return Optional.of("label " + key + "=" + value + " required, "
                        + (labels.containsKey(key) ? "found " + key + "=" + labels.get(key) : "label absent"));
            }
        }
        for (Requirement requirement : matchExpressions) {
            Optional<String> mismatch = requirement.mismatch(labels);
            if (mismatch.isPresent()) {
                return mismatch;
            }
        }
        return Optional.empty();
    }

    /** A {@code matchExpressions} entry. */
    public record Requirement(String key, Operator operator, List<String> values) {

        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(values);
        }

        Optional<String> mismatch(Map<String, String> labels) {
            String actual = labels.get(key);
            boolean holds = switch (operator) {
                case IN -> actual != null && values.contains(actual);
                case NOT_IN -> actual == null || !values.contains(actual);
                case EXISTS -> actual != null;
                case DOES_NOT_EXIST -> actual == null;
            };
            if (holds) {
                return Optional.empty();
            }
            String found = actual == null ? "label absent" : "found " + key + "=" + actual;
            return Optional.of("label " + key + " " + operator.policyName()
                    + (values.isEmpty() ? "" : " " + values) + " required, " + found);
        }
    }

    /** The set-based operators of Kubernetes label selectors. */
    public enum Operator {
        IN("In"),
        NOT_IN("NotIn"),
        EXISTS("Exists"),
        DOES_NOT_EXIST("DoesNotExist");

        private final String policyName;

        Operator(String policyName) {
            this.policyName = policyName;
        }

        /** The spelling used in policies. */
        public String policyName() {
            return policyName;
        }
    }
}
