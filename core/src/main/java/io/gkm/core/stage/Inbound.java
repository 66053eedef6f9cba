package io.gkm.core.stage;

import io.gkm.schemas.CloudEventHeaders;
import org.apache.avro.specific.SpecificRecord;

/** A decoded input record, as a stage's handler sees it. */
public record Inbound(String topic, int partition, long offset, String key, CloudEventHeaders headers,
                      SpecificRecord event) {
}
