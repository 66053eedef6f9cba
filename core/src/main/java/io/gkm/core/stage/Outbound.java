package io.gkm.core.stage;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * An event a handler wants written. The loop adds the CloudEvents headers (a new id, this
 * stage as source, the inbound correlation id) and writes it in the stage's transaction.
 *
 * @param key     record key: the resource key on resource topics, {@code <cluster>/<node>} on gkm.nodes
 * @param subject {@code ce_subject}; the key when null
 */
public record Outbound(String topic, String key, SpecificRecord event, String subject) {
    public Outbound {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
    }

    public Outbound(String topic, String key, SpecificRecord event) {
        this(topic, key, event, key);
    }
}
