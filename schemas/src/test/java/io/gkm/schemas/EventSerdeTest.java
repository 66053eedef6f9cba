package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.NodeInventory;
import org.apache.avro.specific.SpecificRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventSerdeTest {
    private final EventSerializer serializer = new EventSerializer();
    private final EventDeserializer deserializer = new EventDeserializer();

    @Test
    void serializerSetsAvroContentTypeAndDeserializerReadsTheEventBack() {
        Headers headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));

        byte[] bytes = serializer.serialize("gkm.resources", headers, Events.resource());

        assertThat(headers.headers("content-type")).hasSize(1);
        assertThat(new String(headers.lastHeader("content-type").value(), StandardCharsets.UTF_8)).isEqualTo("application/avro");
        assertThat(deserializer.deserialize("gkm.resources", headers, bytes)).isEqualTo(Events.resource());
    }

    @Test
    void serializedBytesAreTheCodecsEncoding() {
        assertThat(serializer.serialize("gkm.jobs.prod.n1", Events.installJob()))
                .isEqualTo(EventCodec.INSTANCE.encode(Events.installJob()));
    }

    @Test
    void serializerFailureNamesTheTopic() {
        InstallJob job = Events.installJob();
        job.setNode(null);

        assertThatThrownBy(() -> serializer.serialize("gkm.jobs.prod.n1", job))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("'gkm.jobs.prod.n1'")
                .hasMessageContaining("InstallJob");
    }

    @Test
    void deserializerFailureIsAnUndecodableRecordExceptionNamingTheTopic() {
        assertThatThrownBy(() -> deserializer.deserialize("gkm.verifications", new byte[] {1, 2, 3}))
                .isInstanceOf(UndecodableRecordException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("record on topic 'gkm.verifications'");
    }

    @Test
    void deserializerRejectsACeTypeOfAnotherPipelineEvent() {
        Headers headers = new RecordHeaders();
        CloudEventHeaders.forEvent(EventType.ADMISSION, "/gkm/prod/ingest/i-0", Events.KEY, null).writeTo(headers);
        byte[] bytes = serializer.serialize("gkm.admissions", headers, Events.resource());

        assertThatThrownBy(() -> deserializer.deserialize("gkm.admissions", headers, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("record on topic 'gkm.admissions' has ce_type 'io.gkm.admission.v1' but holds a ResourceEvent"
                        + " (io.gkm.resource.v1)");
    }

    @Test
    void deserializerRejectsAnotherContentType() {
        Headers headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> deserializer.deserialize("gkm.resources", headers, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("content-type 'application/json'");
    }

    @Test
    void nullValueIsAnErrorUnlessTombstonesAreAllowed() {
        assertThatThrownBy(() -> deserializer.deserialize("gkm.nodes", null))
                .isInstanceOf(UndecodableRecordException.class);

        EventDeserializer tombstones = new EventDeserializer();
        tombstones.configure(Map.of(EventDeserializer.ALLOW_TOMBSTONES_CONFIG, "true"), false);
        assertThat(tombstones.deserialize("gkm.nodes", new RecordHeaders(), (byte[]) null)).isNull();
        assertThat(tombstones.deserialize("gkm.nodes", EventCodec.INSTANCE.encode(Events.nodeInventory())))
                .isInstanceOf(NodeInventory.class);
        assertThat(serializer.serialize("gkm.nodes", new RecordHeaders(), (SpecificRecord) null)).isNull();
    }
}
