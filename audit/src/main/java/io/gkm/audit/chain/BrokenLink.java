package io.gkm.audit.chain;

/**
 * Where and how the chain is broken.
 *
 * @param offset   ledger offset of the first record that does not continue the chain
 * @param sequence the sequence that record claims; null when it is not a ledger entry at all
 * @param what     what differs, e.g. which hash it names against which it should
 */
public record BrokenLink(long offset, Long sequence, String what) {
    @Override
    public String toString() {
        return (sequence == null ? "" : "sequence " + sequence + " ") + "(offset " + offset + "): " + what;
    }
}
