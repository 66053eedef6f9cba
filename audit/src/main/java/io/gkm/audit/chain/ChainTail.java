package io.gkm.audit.chain;

import io.gkm.schemas.EventCodec;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.LedgerHeader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The end of the chain: the sequence and hash of its last entry, which the next entry links to.
 * Immutable: appending gives the entry, and {@link #after} the tail it leaves, so a tail a
 * transaction moved is kept only once that transaction committed.
 */
public final class ChainTail {
    /** Before the first entry: sequence 0, a hash of 32 zero bytes. */
    public static final ChainTail GENESIS = new ChainTail(0, new byte[LedgerHash.LENGTH]);

    private final long sequence;
    private final byte[] hash;

    public ChainTail(long sequence, byte[] hash) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0: " + sequence);
        }
        this.sequence = sequence;
        this.hash = hash.clone();
    }

    /** The tail an entry leaves. */
    public static ChainTail after(AuditLedgerEntry entry) {
        return new ChainTail(entry.getSequence(), LedgerHash.array(entry.getHash()));
    }

    public long sequence() {
        return sequence;
    }

    public byte[] hash() {
        return hash.clone();
    }

    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    /**
     * The next entry: {@code record} (read from the audit topic) as received, decoded when it is
     * an AuditEvent and marked undecodable with the reason otherwise, linked to this tail.
     */
    public AuditLedgerEntry append(ConsumerRecord<byte[], byte[]> record, Instant recordedAt, EventCodec codec) {
        AuditEvent event = null;
        String undecodable = null;
        try {
            event = codec.decode(record.topic(), record.value(), AuditEvent.class);
        } catch (UndecodableRecordException e) {
            undecodable = e.getMessage();
        }
        List<LedgerHeader> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(new LedgerHeader(h.key(), wrap(h.value())));
        }
        AuditLedgerEntry entry = AuditLedgerEntry.newBuilder()
                .setSequence(sequence + 1)
                .setPreviousHash(ByteBuffer.wrap(hash.clone()))
                .setHash(ByteBuffer.wrap(new byte[0]))
                .setRecordedAt(Instant.ofEpochMilli(recordedAt.toEpochMilli())) // the millisecond Avro keeps
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(record.timestamp()))
                .setKey(wrap(record.key()))
                .setHeaders(headers)
                .setValue(wrap(record.value()))
                .setEvent(event)
                .setUndecodable(undecodable)
                .build();
        entry.setHash(ByteBuffer.wrap(LedgerHash.of(entry)));
        return entry;
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainTail t && t.sequence == sequence && Arrays.equals(t.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "sequence " + sequence + " hash " + hashHex();
    }
}
