package io.gkm.audit.chain;

import io.gkm.schemas.EventCodec;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Checks a ledger, record by record in offset order, as {@code gkm audit verify} does: every
 * record must be a ledger entry whose hash is that of its content, whose sequence is one more
 * than the last, whose previousHash is the last entry's hash, and whose decoded event is what its
 * recorded bytes hold. The first record that fails one of these is the broken link; the check
 * stops there, since nothing after it can be trusted to be in the chain.
 */
public final class ChainCheck {
    private final String topic;
    private final EventCodec codec;
    private ChainTail head = ChainTail.GENESIS;
    private long checked;
    private BrokenLink broken;

    /** A check of {@code topic} from its first entry. */
    public ChainCheck(String topic, EventCodec codec) {
        this.topic = topic;
        this.codec = codec;
    }

    /**
     * Checks the next ledger record; empty while the chain holds. Once broken it stays broken and
     * later records are not looked at.
     */
    public Optional<BrokenLink> next(long offset, byte[] value) {
        if (broken == null) {
            broken = link(offset, value).orElse(null);
        }
        return Optional.ofNullable(broken);
    }

    private Optional<BrokenLink> link(long offset, byte[] value) {
        AuditLedgerEntry entry;
        try {
            entry = decode(topic, value, codec);
        } catch (UndecodableRecordException e) {
            return Optional.of(new BrokenLink(offset, null, "not a ledger entry: " + e.getMessage()));
        }
        long expected = head.sequence() + 1;
        if (entry.getSequence() != expected) {
            String what = entry.getSequence() > expected
                    ? "sequence " + entry.getSequence() + " follows " + head.sequence() + ": entries "
                            + expected + (entry.getSequence() - 1 > expected ? ".." + (entry.getSequence() - 1) : "")
                            + " are missing"
                    : "sequence " + entry.getSequence() + " again after " + head.sequence()
                            + ": a duplicate or reordered entry";
            return Optional.of(new BrokenLink(offset, entry.getSequence(), what));
        }
        byte[] previous = LedgerHash.array(entry.getPreviousHash());
        if (!Arrays.equals(previous, head.hash())) {
            return Optional.of(new BrokenLink(offset, entry.getSequence(), "previousHash " + hex(previous)
                    + " is not the hash " + head.hashHex() + " of sequence " + head.sequence()));
        }
        Optional<String> inconsistent = inconsistency(entry, codec);
        if (inconsistent.isPresent()) {
            return Optional.of(new BrokenLink(offset, entry.getSequence(), inconsistent.get()));
        }
        head = ChainTail.after(entry);
        checked++;
        return Optional.empty();
    }

    /**
     * What is wrong with an entry on its own, if anything: a hash that is not that of its content,
     * or a decoded event that its recorded bytes do not hold.
     */
    public static Optional<String> inconsistency(AuditLedgerEntry entry, EventCodec codec) {
        byte[] stored = LedgerHash.array(entry.getHash());
        byte[] computed = LedgerHash.of(entry);
        if (!Arrays.equals(stored, computed)) {
            return Optional.of("hash " + hex(stored) + " is not the hash of the entry's content, "
                    + hex(computed) + ": the entry was altered");
        }
        if (entry.getEvent() == null) {
            return entry.getUndecodable() == null
                    ? Optional.of("neither an event nor why its bytes are undecodable")
                    : Optional.empty();
        }
        AuditEvent recorded;
        try {
            recorded = codec.decode(entry.getSourceTopic(),
                    entry.getValue() == null ? null : LedgerHash.array(entry.getValue()), AuditEvent.class);
        } catch (UndecodableRecordException e) {
            return Optional.of("its event is not in its recorded bytes, which are undecodable: " + e.getMessage());
        }
        return recorded.equals(entry.getEvent()) ? Optional.empty()
                : Optional.of("its event " + entry.getEvent() + " differs from the event its recorded bytes hold, "
                        + recorded);
    }

    /** A ledger record's entry. */
    public static AuditLedgerEntry decode(String topic, byte[] value, EventCodec codec) {
        return codec.decode(topic, value, AuditLedgerEntry.class);
    }

    /** Entries found intact so far. */
    public long checked() {
        return checked;
    }

    /** The last intact entry's tail ({@link ChainTail#GENESIS} before the first). */
    public ChainTail head() {
        return head;
    }

    /** The first broken link, once found. */
    public Optional<BrokenLink> broken() {
        return Optional.ofNullable(broken);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
