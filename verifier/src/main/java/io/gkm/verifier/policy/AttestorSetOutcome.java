package io.gkm.verifier.policy;

import java.util.List;
import java.util.Objects;

/**
 * One attestor set judged: satisfied when at least {@code required} entries passed.
 *
 * @param set the attestor set
 * @param required entries that must pass
 * @param passed entries that passed
 * @param entries the outcomes given, in entry order
 * @param reason one line for a verdict
 */
public record AttestorSetOutcome(AttestorSet set, int required, int passed, List<EntryOutcome> entries, String reason) {

    public AttestorSetOutcome {
        Objects.requireNonNull(set, "set");
        entries = List.copyOf(entries);
        Objects.requireNonNull(reason, "reason");
    }

    public boolean satisfied() {
        return passed >= required;
    }
}
