package io.gkm.audit.trace;

import io.gkm.audit.chain.LedgerHash;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.LedgerHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What {@code gkm audit trace} prints: the ledger entries of one resource key or correlation id,
 * one line each: sequence, time, stage, action, outcome, reason.
 */
public final class Trace {
    private Trace() {
    }

    /**
     * Whether the entry concerns {@code query}: its event's resource key or correlation id is it;
     * for an undecodable record, its key or its {@code ce_subject} or {@code ce_correlationid}
     * header, so that a resource's history shows its undecodable records too.
     */
    public static boolean concerns(AuditLedgerEntry entry, String query, EventCodec codec) {
        AuditEvent event = eventOf(entry, codec);
        if (event != null) {
            return query.equals(event.getResourceKey()) || query.equals(event.getCorrelationId());
        }
        if (query.equals(text(entry.getKey()))) {
            return true;
        }
        for (LedgerHeader h : entry.getHeaders()) {
            if ((h.getName().equals(CloudEventHeaders.SUBJECT) || h.getName().equals(CloudEventHeaders.CORRELATION_ID))
                    && query.equals(text(h.getValue()))) {
                return true;
            }
        }
        return false;
    }

    /** One line: {@code #<sequence>  <time>  <stage>  <action>  <outcome>  <reason>}, two spaces apart. */
    public static String line(AuditLedgerEntry entry, EventCodec codec) {
        AuditEvent event = eventOf(entry, codec);
        List<String> columns = event != null
                ? List.of("#" + entry.getSequence(), DateTimeFormatter.ISO_INSTANT.format(event.getTime()),
                        event.getStage(), event.getAction(), event.getOutcome(),
                        event.getReason() == null ? "-" : event.getReason())
                : List.of("#" + entry.getSequence(), DateTimeFormatter.ISO_INSTANT.format(entry.getRecordedAt()),
                        "?", "?", "UNDECODABLE", entry.getSourceTopic() + "/" + entry.getSourcePartition() + "@"
                                + entry.getSourceOffset() + ": " + entry.getUndecodable());
        return String.join("  ", columns);
    }

    /**
     * The entry's event: as decoded at append time, else from its bytes, which a later build may
     * read (an entry too large to keep it decoded, a schema released since); null when undecodable.
     */
    private static AuditEvent eventOf(AuditLedgerEntry entry, EventCodec codec) {
        if (entry.getEvent() != null || entry.getValue() == null) {
            return entry.getEvent();
        }
        try {
            return codec.decode(entry.getSourceTopic(), LedgerHash.array(entry.getValue()), AuditEvent.class);
        } catch (UndecodableRecordException e) {
            return null;
        }
    }

    private static String text(ByteBuffer bytes) {
        return bytes == null ? null : new String(LedgerHash.array(bytes), StandardCharsets.UTF_8);
    }
}
