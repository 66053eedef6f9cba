package io.gkm.schemas;

import java.util.OptionalLong;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that is not a decodable pipeline event: null, too short, not single-object
 * encoded, written with an unknown schema, corrupt, or of another type than expected. Such a
 * record goes to {@code gkm.dlq}. The message always names the topic, e.g.
 * {@code record on topic 'gkm.resources' has unknown schema fingerprint 0x1a2b3c4d5e6f7081}.
 */
public class UndecodableRecordException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Long fingerprint;

    /**
     * @param topic the topic the record was read from
     * @param problem what is wrong, completing "record on topic 'x' ..."
     * @param fingerprint the writer schema fingerprint, or null when it could not be read
     * @param cause the underlying error, or null
     */
    public UndecodableRecordException(String topic, String problem, Long fingerprint, Throwable cause) {
        super("record on topic '" + topic + "' " + problem, cause);
        this.topic = topic;
        this.fingerprint = fingerprint;
    }

    /** The topic the record was read from. */
    public String topic() {
        return topic;
    }

    /** The writer schema fingerprint from the record's header, when it had one. */
    public OptionalLong fingerprint() {
        return fingerprint == null ? OptionalLong.empty() : OptionalLong.of(fingerprint);
    }
}
