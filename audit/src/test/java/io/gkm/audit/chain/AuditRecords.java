package io.gkm.audit.chain;

import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Audit records as the audit stage reads them, made the way every stage makes them (core's Emitter). */
public final class AuditRecords {
    public static final Instant T = Instant.parse("2026-11-26T10:00:00.123Z");
    public static final Topics TOPICS = new Topics();
    private static final Emitter VERIFIER = new Emitter("verifier", "prod", "verifier-0", TOPICS, EventCodec.INSTANCE,
            Clock.fixed(T, ZoneOffset.UTC));

    private AuditRecords() {
    }

    /** An audit event of the verifier about {@code resourceKey}, as a record at {@code offset} of partition 0. */
    public static ConsumerRecord<byte[], byte[]> audit(long offset, String resourceKey, String outcome, String correlationId) {
        ProducerRecord<String, byte[]> r = VERIFIER.audit(new AuditEntry("verify", outcome, "reason " + offset,
                resourceKey, Map.of("digest", "sha256:" + "ab".repeat(32))), correlationId, "cause-" + offset);
        return record(0, offset, r.key(), r.value(), r.headers());
    }

    /** A record on the audit topic with the given key and value bytes and the headers of a real audit record. */
    public static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String key, byte[] value,
            Iterable<org.apache.kafka.common.header.Header> headers) {
        RecordHeaders copy = new RecordHeaders();
        headers.forEach(h -> copy.add(h.key(), h.value()));
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(TOPICS.audit(), partition, offset, T.toEpochMilli() + offset,
                TimestampType.CREATE_TIME, keyBytes == null ? -1 : keyBytes.length, value == null ? -1 : value.length,
                keyBytes, value, copy, Optional.empty());
    }

    /** {@code n} audit records of one resource appended from the genesis. */
    public static List<io.gkm.schemas.event.AuditLedgerEntry> chain(int n) {
        List<io.gkm.schemas.event.AuditLedgerEntry> entries = new ArrayList<>();
        ChainTail tail = ChainTail.GENESIS;
        for (int i = 0; i < n; i++) {
            var entry = tail.append(audit(i, "prod/team-a/GKMCache/llama", "VERIFIED", "corr-1"), T.plusSeconds(i),
                    EventCodec.INSTANCE);
            entries.add(entry);
            tail = ChainTail.after(entry);
        }
        return entries;
    }
}
