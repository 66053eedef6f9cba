package io.gkm.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for pipeline events ({@link EventCodec}). Throws
 * {@link UndecodableRecordException} (a Kafka {@code SerializationException}) naming the topic for
 * a value that cannot be decoded, for a {@code content-type} other than {@code application/avro}
 * and for a {@code ce_type} of a pipeline event other than the one the value holds.
 *
 * <p>A null value is an error too, unless tombstones are allowed (constructor, or the config
 * {@value #ALLOW_TOMBSTONES_CONFIG}{@code =true}, e.g. for the compacted nodes topic): then it
 * deserializes to null.
 */
public class EventDeserializer implements Deserializer<SpecificRecord> {
    /** Config key: {@code true} to deserialize a null value to null instead of failing. */
    public static final String ALLOW_TOMBSTONES_CONFIG = "gkm.deserializer.allow.tombstones";

    private final EventCodec codec;
    private volatile boolean allowTombstones;

    public EventDeserializer() {
        this(EventCodec.INSTANCE, false);
    }

    public EventDeserializer(EventCodec codec, boolean allowTombstones) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.allowTombstones = allowTombstones;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object v = configs.get(ALLOW_TOMBSTONES_CONFIG);
        if (v != null) {
            allowTombstones = Boolean.parseBoolean(v.toString());
        }
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null && allowTombstones) {
            return null;
        }
        return codec.decode(topic, data);
    }

    @Override
    public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        if (headers == null) {
            return deserialize(topic, data);
        }
        String contentType = last(headers, CloudEventHeaders.CONTENT_TYPE);
        if (data != null && contentType != null && !CloudEventHeaders.AVRO_CONTENT_TYPE.equals(contentType)) {
            throw new UndecodableRecordException(topic, "has content-type '" + contentType + "', expected '"
                    + CloudEventHeaders.AVRO_CONTENT_TYPE + "'", EventCodec.fingerprintOf(data).isPresent()
                    ? EventCodec.fingerprintOf(data).getAsLong() : null, null);
        }
        SpecificRecord record = deserialize(topic, data);
        if (record != null) {
            String ceType = last(headers, CloudEventHeaders.TYPE);
            Optional<EventType> declared = EventType.forCeType(ceType);
            EventType actual = EventType.of(record);
            if (declared.isPresent() && declared.get() != actual) {
                throw new UndecodableRecordException(topic, "has " + CloudEventHeaders.TYPE + " '" + ceType
                        + "' but holds a " + actual.recordName() + " (" + actual.ceType() + ")",
                        EventCodec.fingerprintOf(data).getAsLong(), null);
            }
        }
        return record;
    }

    private static String last(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
