package io.gkm.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka value serializer for pipeline events ({@link EventCodec}). With headers it makes sure of
 * {@code content-type: application/avro}. A null event (tombstone) serializes to null.
 */
public class EventSerializer implements Serializer<SpecificRecord> {
    private final EventCodec codec;

    public EventSerializer() {
        this(EventCodec.INSTANCE);
    }

    public EventSerializer(EventCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.encode(data);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot serialize " + data.getSchema().getName()
                    + " for topic '" + topic + "': " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
        byte[] bytes = serialize(topic, data);
        if (bytes != null && headers != null) {
            Header ct = headers.lastHeader(CloudEventHeaders.CONTENT_TYPE);
            if (ct == null || ct.value() == null
                    || !CloudEventHeaders.AVRO_CONTENT_TYPE.equals(new String(ct.value(), StandardCharsets.UTF_8))) {
                headers.remove(CloudEventHeaders.CONTENT_TYPE);
                headers.add(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes;
    }
}
