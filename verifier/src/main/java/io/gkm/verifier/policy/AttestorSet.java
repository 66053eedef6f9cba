package io.gkm.verifier.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * {@code attestors[]}: entries of which {@code count} must verify, or all of them when
 * {@code count} is not set (Kyverno's {@code AttestorSet.RequiredCount}).
 *
 * @param count {@code count}, at least 1 and at most the number of entries written
 * @param entries the entries, several-key {@code publicKeys} already split into one entry per key
 * @param path where the set is in the policy, e.g. {@code spec.rules[0].verifyImages[0].attestors[0]}
 */
public record AttestorSet(OptionalInt count, List<Attestor> entries, String path) {

    public AttestorSet {
        Objects.requireNonNull(count, "count");
        entries = List.copyOf(entries);
        Objects.requireNonNull(path, "path");
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an attestor set needs at least one entry");
        }
    }

    /** Entries that must pass. */
    public int requiredCount() {
        return count.orElse(entries.size());
    }

    /**
     * Judges the set from per-entry outcomes. Entries without an outcome count as not passed:
     * a verifier may stop once enough entries passed.
     *
     * @throws IllegalArgumentException when an outcome names no entry of this set, or one entry twice
     */
    public AttestorSetOutcome evaluate(List<EntryOutcome> outcomes) {
        Map<Integer, EntryOutcome> byEntry = new TreeMap<>();
        for (EntryOutcome outcome : outcomes) {
            if (outcome.entry() >= entries.size() || byEntry.put(outcome.entry(), outcome) != null) {
                throw new IllegalArgumentException(path + ": outcome for entry " + outcome.entry()
                        + " is out of range or repeated (" + entries.size() + " entries)");
            }
        }
        int passed = (int) byEntry.values().stream().filter(EntryOutcome::passed).count();
        int required = requiredCount();
        List<String> details = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            EntryOutcome outcome = byEntry.get(i);
            // A satisfied set lists what verified; an unsatisfied one what did not.
            if (outcome == null && passed < required) {
                details.add(entries.get(i).path() + ": not checked");
            } else if (outcome != null && outcome.passed() == (passed >= required)) {
                details.add(entries.get(i).path() + ": " + outcome.reason());
            }
        }
        String reason = path + ": " + passed + " of " + entries.size() + " entries verified, " + required
                + " required" + (details.isEmpty() ? "" : " (" + String.join("; ", details) + ")");
        return new AttestorSetOutcome(this, required, passed, List.copyOf(byEntry.values()), reason);
    }
}
