package io.gkm.verifier.policy;

import java.util.Objects;

/**
 * Whether one attestor entry was satisfied by the image's signatures; the input of
 * {@link AttestorSet#evaluate}.
 *
 * @param entry index into {@link AttestorSet#entries()}
 * @param passed whether a signature verified against this entry
 * @param reason what verified (signer, tlog index) or why nothing did
 */
public record EntryOutcome(int entry, boolean passed, String reason) {

    public EntryOutcome {
        if (entry < 0) {
            throw new IllegalArgumentException("entry index is negative: " + entry);
        }
        Objects.requireNonNull(reason, "reason");
    }

    public static EntryOutcome passed(int entry, String reason) {
        return new EntryOutcome(entry, true, reason);
    }

    public static EntryOutcome failed(int entry, String reason) {
        return new EntryOutcome(entry, false, reason);
    }
}
