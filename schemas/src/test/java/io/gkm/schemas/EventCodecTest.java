package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.ResourceEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCodecTest {
    private static final String TOPIC = "gkm.resources";
    private final EventCodec codec = EventCodec.INSTANCE;

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventTypeWithEveryFieldSetRoundTripsUnchanged(EventType type) {
        SpecificRecord event = Events.full(type);
        assertEveryFieldSetToNonDefault(type.recordName(), event);

        SpecificRecord decoded = codec.decode(TOPIC, codec.encode(event));

        assertThat(decoded).isInstanceOf(type.recordClass()).isEqualTo(event);
        assertThat(EventType.of(decoded)).isEqualTo(type);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void encodingIsAvroSingleObjectEncodingOfTheCurrentSchema(EventType type) throws Exception {
        SpecificRecord event = Events.full(type);

        byte[] bytes = codec.encode(event);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fp = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fp).isEqualTo(SchemaNormalization.parsingFingerprint64(type.schema()));
        assertThat(EventCodec.fingerprintOf(bytes)).hasValue(fp);
        assertThat(codec.typeOf(bytes)).contains(type);
        // Avro's own single-object encoder (the generated toByteBuffer) writes the same bytes
        ByteBuffer avro = (ByteBuffer) event.getClass().getMethod("toByteBuffer").invoke(event);
        assertThat(bytes).isEqualTo(remaining(avro));
    }

    @Test
    void recordWrittenWithReleasedResourceEventV1DecodesWithAnnotationsAtTheirDefault() {
        ReleasedSchema v1 = ReleasedSchemas.versions(EventType.RESOURCE).get(0);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.schema().getField("annotations")).isNull();
        Schema s = v1.schema();
        GenericRecord old = new GenericRecordBuilder(s)
                .set("changeType", new GenericData.EnumSymbol(s.getField("changeType").schema(), "DELETED"))
                .set("resourceKey", "prod/_cluster/ClusterGKMCache/llama")
                .set("kind", "ClusterGKMCache")
                .set("namespace", null)
                .set("name", "llama")
                .set("uid", "u-1")
                .set("resourceVersion", "17")
                .set("generation", 5L)
                .set("spec", "{\"image\":\"quay.io/x/llama:v1\"}")
                .set("labels", Map.of("gkm.io/signature-format", "cosign-v2"))
                .set("observedAt", Events.T.toEpochMilli())
                .build();
        byte[] bytes = encodeWithAvro(s, old);
        assertThat(EventCodec.fingerprintOf(bytes)).hasValue(v1.fingerprint());
        assertThat(v1.fingerprint()).isNotEqualTo(EventType.RESOURCE.fingerprint());

        ResourceEvent decoded = codec.decode(TOPIC, bytes, ResourceEvent.class);

        assertThat(decoded).isEqualTo(ResourceEvent.newBuilder()
                .setChangeType(ChangeType.DELETED)
                .setResourceKey("prod/_cluster/ClusterGKMCache/llama")
                .setKind("ClusterGKMCache")
                .setNamespace(null)
                .setName("llama")
                .setUid("u-1")
                .setResourceVersion("17")
                .setGeneration(5L)
                .setSpec("{\"image\":\"quay.io/x/llama:v1\"}")
                .setLabels(Map.of("gkm.io/signature-format", "cosign-v2"))
                .setObservedAt(Events.T)
                .build());
        assertThat(decoded.getAnnotations()).isEmpty();
    }

    @Test
    void everyReleasedFingerprintIsKnownToTheSchemaStore() {
        for (ReleasedSchema r : ReleasedSchemas.all()) {
            assertThat(codec.schemaStore().findByFingerprint(r.fingerprint())).as(r.toString()).isEqualTo(r.schema());
            assertThat(codec.writerSchema(r.fingerprint())).contains(r);
        }
    }

    @Test
    void unknownFingerprintErrorNamesTopicAndFingerprintInHex() {
        byte[] bytes = codec.encode(Events.resource());
        long unknown = 0x1a2b3c4d5e6f7081L;
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) (unknown >>> (8 * i));
        }

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("record on topic 'gkm.resources' has unknown schema fingerprint 0x1a2b3c4d5e6f7081")
                .satisfies(e -> {
                    UndecodableRecordException u = (UndecodableRecordException) e;
                    assertThat(u.topic()).isEqualTo(TOPIC);
                    assertThat(u.fingerprint()).hasValue(unknown);
                });
    }

    @Test
    void badMagicIsRejectedNamingTheTopic() {
        byte[] bytes = codec.encode(Events.resource());
        bytes[0] = 0x4F;

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has bad magic 0x4f01");
    }

    @Test
    void nullValueIsRejectedNamingTheTopic() {
        assertThatThrownBy(() -> codec.decode(TOPIC, null))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has a null value");
    }

    @Test
    void valueShorterThanTheHeaderIsRejected() {
        byte[] bytes = Arrays.copyOf(codec.encode(Events.resource()), 9);

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' is too short (9 bytes)")
                .satisfies(e -> assertThat(((UndecodableRecordException) e).fingerprint()).isEmpty());
    }

    @Test
    void truncatedBodyIsRejectedAsCorruptNamingTheWriterSchema() {
        byte[] full = codec.encode(Events.resource());
        byte[] bytes = Arrays.copyOf(full, full.length - 4);

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has a corrupt body for ResourceEvent v2 (fingerprint 0x")
                .hasCauseInstanceOf(java.io.EOFException.class);
    }

    @Test
    void trailingBytesAfterTheBodyAreRejectedAsCorrupt() {
        byte[] full = codec.encode(Events.installJob());
        byte[] bytes = Arrays.copyOf(full, full.length + 3);

        assertThatThrownBy(() -> codec.decode("gkm.jobs.prod.n1", bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.jobs.prod.n1' has a corrupt body for InstallJob v1")
                .hasMessageEndingWith("3 trailing bytes after the record");
    }

    @Test
    void enumIndexOutOfRangeIsRejectedAsCorrupt() {
        byte[] bytes = codec.encode(Events.installJob());
        bytes[EventCodec.HEADER_LENGTH] = 0x7e; // action: zig-zag 63, InstallJob's JobAction has 2 symbols

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has a corrupt body for InstallJob v1");
    }

    @Test
    void stringLongerThanTheValueIsRejectedAsCorrupt() {
        byte[] full = codec.encode(Events.installJob());
        // body: action (1 byte), then jobId's length; claim 2^30 bytes
        byte[] bytes = Arrays.copyOf(full, EventCodec.HEADER_LENGTH + 6);
        System.arraycopy(new byte[] {0x02, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, 0,
                bytes, EventCodec.HEADER_LENGTH, 6);

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has a corrupt body for InstallJob v1");
        assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore)
                .as("bytes allocated while rejecting a 16-byte record claiming a 1 GiB string")
                .isLessThan(16L << 20);
    }

    @Test
    void negativeLengthIsRejectedAsCorrupt() {
        byte[] full = codec.encode(Events.installJob());
        byte[] bytes = full.clone();
        bytes[EventCodec.HEADER_LENGTH + 1] = 0x01; // jobId's length: zig-zag -1

        assertThatThrownBy(() -> codec.decode(TOPIC, bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("record on topic 'gkm.resources' has a corrupt body for InstallJob v1");
    }

    @Test
    void decodeWithExpectedClassReturnsTheTypedEvent() {
        InstallJob job = Events.installJob();

        InstallJob decoded = codec.decode("gkm.jobs.prod.n1", codec.encode(job), InstallJob.class);

        assertThat(decoded).isEqualTo(job);
    }

    @Test
    void decodeWithWrongExpectedClassNamesBothTypes() {
        byte[] bytes = codec.encode(Events.resource());

        assertThatThrownBy(() -> codec.decode("gkm.admissions", bytes, AdmissionEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessage("record on topic 'gkm.admissions' holds a ResourceEvent (io.gkm.resource.v1),"
                        + " not the expected AdmissionEvent");
    }

    @Test
    void encodingARecordWithANullRequiredFieldFailsNamingTheField() {
        InstallJob job = Events.installJob();
        job.setDigest(null);

        assertThatThrownBy(() -> codec.encode(job))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot encode InstallJob")
                .hasMessageContaining("digest");
    }

    @Test
    void encodingARecordThatIsNotAnEventFails() {
        assertThatThrownBy(() -> codec.encode(new CacheTarget("hip", "gfx90a", 64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a pipeline event: io.gkm.schemas.event.CacheTarget");
    }

    @Test
    void oneCodecEncodesAndDecodesFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 500; i++) {
                        for (EventType type : EventType.values()) {
                            SpecificRecord e = Events.full(type);
                            if (!codec.decode(TOPIC, codec.encode(e)).equals(e)) {
                                throw new AssertionError("round trip changed " + type);
                            }
                            n++;
                        }
                    }
                    return n;
                }));
            }
            for (Future<Integer> f : futures) {
                assertThat(f.get()).isEqualTo(500 * EventType.values().length);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] encodeWithAvro(Schema schema, GenericRecord record) {
        try {
            return remaining(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Every field (recursively) is set and differs from its schema default and from zero / empty / first symbol. */
    static void assertEveryFieldSetToNonDefault(String path, SpecificRecord record) {
        for (Schema.Field f : record.getSchema().getFields()) {
            String at = path + "." + f.name();
            Object v = record.get(f.pos());
            assertThat(v).as(at).isNotNull();
            if (f.hasDefaultValue()) {
                assertThat(v).as(at).isNotEqualTo(SpecificData.get().getDefaultValue(f));
            }
            if (v instanceof CharSequence s) {
                assertThat(s.length()).as(at).isPositive();
            } else if (v instanceof Number n) {
                assertThat(n.longValue()).as(at).isNotZero();
            } else if (v instanceof Enum<?> e) {
                assertThat(e.ordinal()).as(at + " (first symbol is the zero value)").isPositive();
            } else if (v instanceof Map<?, ?> m) {
                assertThat(m).as(at).isNotEmpty();
            } else if (v instanceof ByteBuffer b) {
                assertThat(b.remaining()).as(at).isPositive();
            } else if (v instanceof Collection<?> c) {
                assertThat(c).as(at).isNotEmpty();
                for (Object item : c) {
                    if (item instanceof SpecificRecord r) {
                        assertEveryFieldSetToNonDefault(at + "[]", r);
                    }
                }
            } else if (v instanceof java.time.Instant i) {
                assertThat(i.toEpochMilli()).as(at).isNotZero();
            }
        }
    }
}
