package io.gkm.schemas;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One released version of one event schema, as kept under
 * {@code io/gkm/schemas/released/<RecordName>/v<N>.avsc}.
 *
 * @param type the event type
 * @param version the version number, 1 for the first release
 * @param schema the schema exactly as released
 * @param fingerprint CRC-64-AVRO fingerprint of its parsing canonical form (the single-object
 *     encoding header)
 */
public record ReleasedSchema(EventType type, int version, Schema schema, long fingerprint) {
    public ReleasedSchema {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
    }

    /** e.g. {@code ResourceEvent v1 (fingerprint 0x1a2b3c4d5e6f7081)}. */
    @Override
    public String toString() {
        return type.recordName() + " v" + version + " (fingerprint " + ReleasedSchemas.hex(fingerprint) + ")";
    }
}
