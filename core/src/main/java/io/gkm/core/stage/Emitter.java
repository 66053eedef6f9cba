package io.gkm.core.stage;

import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.EventType;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a stage's events into Kafka records: Avro single-object value, CloudEvents headers
 * with this stage as source. The only way stages write events, audit events and dead letters,
 * so every record on every topic has the same envelope.
 */
public final class Emitter {
    private final String stage;
    private final String source;
    private final Topics topics;
    private final EventCodec codec;
    private final Clock clock;

    public Emitter(String stage, String cluster, String instance, Topics topics, EventCodec codec, Clock clock) {
        this.stage = stage;
        this.source = CloudEventHeaders.source(cluster, stage, instance);
        this.topics = topics;
        this.codec = codec;
        this.clock = clock;
    }

    public String source() {
        return source;
    }

    /** An event record; correlationId is that of the chain (a new chain uses the event's own id). */
    public ProducerRecord<String, byte[]> event(Outbound out, String correlationId) {
        EventType type = EventType.of(out.event());
        String eventId = UUID.randomUUID().toString();
        CloudEventHeaders ce = new CloudEventHeaders(eventId, source, type.ceType(), clock.instant(),
                out.subject(), correlationId != null ? correlationId : eventId);
        RecordHeaders headers = new RecordHeaders();
        ce.writeTo(headers);
        return new ProducerRecord<>(out.topic(), null, out.key(), codec.encode(out.event()), headers);
    }

    /** Starts a new chain: the event's own id is its correlation id (admission and watch events). */
    public ProducerRecord<String, byte[]> chainStart(Outbound out) {
        return event(out, null);
    }

    /** The AuditEvent for an entry, caused by the event {@code causeEventId} (may be null). */
    public ProducerRecord<String, byte[]> audit(AuditEntry entry, String correlationId, String causeEventId) {
        AuditEvent audit = AuditEvent.newBuilder()
                .setAuditId(UUID.randomUUID().toString())
                .setStage(stage)
                .setResourceKey(entry.resourceKey())
                .setAction(entry.action())
                .setOutcome(entry.outcome())
                .setReason(entry.reason())
                .setCorrelationId(correlationId)
                .setCauseEventId(causeEventId)
                .setDetails(new LinkedHashMap<>(entry.details()))
                .setTime(clock.instant())
                .build();
        String key = entry.resourceKey() != null ? entry.resourceKey() : correlationId;
        return event(new Outbound(topics.audit(), key, audit), correlationId);
    }

    /** A dead letter keeping the record's bytes, where it came from, and why it was given up. */
    public ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        byte[] keyBytes = record.key();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(keyBytes == null ? null : ByteBuffer.wrap(keyBytes))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setHeaders(headers)
                .setError(String.valueOf(error.getMessage()))
                .setErrorClass(error.getClass().getName())
                .setStage(stage)
                .setTime(clock.instant())
                .build();
        // Keyed like the original so a resource's dead letters stay in order; keyless records
        // are keyed by where they were.
        String key = keyBytes != null ? new String(keyBytes, StandardCharsets.UTF_8)
                : record.topic() + "/" + record.partition() + "/" + record.offset();
        return chainStart(new Outbound(topics.dlq(), key, letter));
    }
}
