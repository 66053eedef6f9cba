package io.gkm.verifier.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * All attestor sets of an {@link ImageVerification} judged: satisfied when every set is.
 *
 * @param sets one outcome per attestor set, in policy order
 */
public record AttestorsOutcome(List<AttestorSetOutcome> sets) {

    public AttestorsOutcome {
        sets = List.copyOf(sets);
    }

    public boolean satisfied() {
        return sets.stream().allMatch(AttestorSetOutcome::satisfied);
    }

    /** The failed sets' reasons, or a summary when every set is satisfied. */
    public String reason() {
        if (satisfied()) {
            return sets.stream().map(AttestorSetOutcome::reason).collect(Collectors.joining("; "));
        }
        return sets.stream().filter(set -> !set.satisfied()).map(AttestorSetOutcome::reason)
                .collect(Collectors.joining("; "));
    }
}
