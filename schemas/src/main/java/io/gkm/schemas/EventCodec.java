package io.gkm.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes pipeline events as Avro single-object encoding ({@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, the Avro binary body) and decodes them with schema
 * resolution from any released writer schema into the current generated class.
 *
 * <p>Thread-safe: one instance ({@link #INSTANCE}) serves every thread.
 */
public final class EventCodec {
    /** The shared instance, knowing every released schema of this build. */
    public static final EventCodec INSTANCE = new EventCodec();

    /** First byte of the single-object encoding marker. */
    public static final byte MAGIC_0 = (byte) 0xC3;
    /** Second byte of the single-object encoding marker. */
    public static final byte MAGIC_1 = (byte) 0x01;
    /** Marker plus fingerprint. */
    public static final int HEADER_LENGTH = 10;

    /** A writer schema this codec can read, with its resolution into the current class. */
    private record Writer(ReleasedSchema released, String incompatibility) {}

    private final SchemaStore.Cache store = new SchemaStore.Cache();
    private final Map<Long, Writer> writers = new HashMap<>();
    private final Map<EventType, DatumWriter<SpecificRecord>> datumWriters = new EnumMap<>(EventType.class);
    private final ThreadLocal<Map<Long, DatumReader<SpecificRecord>>> readers =
            ThreadLocal.withInitial(HashMap::new);

    /** A codec that reads every released schema version ({@link ReleasedSchemas#all()}). */
    public EventCodec() {
        this(ReleasedSchemas.all());
    }

    /**
     * A codec that reads the given writer schema versions (plus the current schema of every event
     * type, so that what it writes it can read).
     */
    public EventCodec(Collection<ReleasedSchema> released) {
        for (ReleasedSchema r : released) {
            register(r);
        }
        for (EventType type : EventType.values()) {
            if (!writers.containsKey(type.fingerprint())) {
                List<ReleasedSchema> versions = type.releasedVersions();
                int next = versions.get(versions.size() - 1).version() + 1;
                register(new ReleasedSchema(type, next, type.schema(), type.fingerprint()));
            }
            SpecificData model = SpecificData.getForClass(type.recordClass());
            datumWriters.put(type, new SpecificDatumWriter<>(type.schema(), model));
        }
    }

    private void register(ReleasedSchema r) {
        Schema reader = r.type().schema();
        SchemaCompatibility.SchemaPairCompatibility c =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, r.schema());
        String incompatibility = c.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
                ? null
                : c.getResult().getIncompatibilities().toString();
        Writer previous = writers.putIfAbsent(r.fingerprint(), new Writer(r, incompatibility));
        if (previous == null) {
            store.addSchema(r.schema());
        }
    }

    /** The schema store holding every writer schema this codec reads, by fingerprint. */
    public SchemaStore schemaStore() {
        return store;
    }

    /** The released writer schema with this fingerprint, if this codec knows it. */
    public Optional<ReleasedSchema> writerSchema(long fingerprint) {
        Writer w = writers.get(fingerprint);
        return w == null ? Optional.empty() : Optional.of(w.released());
    }

    /** The event type of an encoded value, read from its header alone, if the fingerprint is known. */
    public Optional<EventType> typeOf(byte[] bytes) {
        OptionalLong fp = fingerprintOf(bytes);
        return fp.isPresent() ? writerSchema(fp.getAsLong()).map(ReleasedSchema::type) : Optional.empty();
    }

    /** The writer schema fingerprint of a single-object encoded value; empty if it is not one. */
    public static OptionalLong fingerprintOf(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            return OptionalLong.empty();
        }
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (bytes[i] & 0xFFL);
        }
        return OptionalLong.of(fp);
    }

    /**
     * Encodes an event with its current schema.
     *
     * @throws IllegalArgumentException if the record is not a pipeline event or a field is invalid
     *     (e.g. null where the schema does not allow it)
     */
    public byte[] encode(SpecificRecord event) {
        Objects.requireNonNull(event, "event");
        EventType type = EventType.of(event);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        long fp = type.fingerprint();
        out.write(MAGIC_0);
        out.write(MAGIC_1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xFF);
        }
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            datumWriters.get(type).write(event, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot encode " + type.recordName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a value into the current class of its event type.
     *
     * @param topic the topic the value was read from (for error messages)
     * @throws UndecodableRecordException if the value is null, too short, not single-object encoded,
     *     written with an unknown or incompatible schema, or its body is corrupt
     */
    public SpecificRecord decode(String topic, byte[] bytes) {
        return decodeBody(topic, bytes, header(topic, bytes));
    }

    /**
     * Decodes a value that must be an {@code expected} event.
     *
     * @throws UndecodableRecordException as {@link #decode(String, byte[])}, and also when the
     *     value holds another event type
     */
    public <T extends SpecificRecord> T decode(String topic, byte[] bytes, Class<T> expected) {
        Objects.requireNonNull(expected, "expected");
        Writer writer = header(topic, bytes);
        EventType type = writer.released().type();
        if (!expected.isAssignableFrom(type.recordClass())) {
            throw new UndecodableRecordException(topic, "holds a " + type.recordName() + " (" + type.ceType()
                    + "), not the expected " + expected.getSimpleName(), writer.released().fingerprint(), null);
        }
        return expected.cast(decodeBody(topic, bytes, writer));
    }

    private Writer header(String topic, byte[] bytes) {
        if (bytes == null) {
            throw new UndecodableRecordException(topic, "has a null value, not an Avro single-object encoded event", null, null);
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new UndecodableRecordException(topic, "is too short (" + bytes.length
                    + " bytes) for Avro single-object encoding, whose header alone is " + HEADER_LENGTH + " bytes", null, null);
        }
        if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new UndecodableRecordException(topic, String.format(
                    "has bad magic 0x%02x%02x: not Avro single-object encoding (expected 0xc301)",
                    bytes[0] & 0xFF, bytes[1] & 0xFF), null, null);
        }
        long fp = fingerprintOf(bytes).getAsLong();
        Writer writer = writers.get(fp);
        if (writer == null) {
            throw new UndecodableRecordException(topic, "has unknown schema fingerprint " + ReleasedSchemas.hex(fp), fp, null);
        }
        if (writer.incompatibility() != null) {
            throw new UndecodableRecordException(topic, "was written with " + writer.released()
                    + " which the current schema cannot read: " + writer.incompatibility(), fp, null);
        }
        return writer;
    }

    private SpecificRecord decodeBody(String topic, byte[] bytes, Writer writer) {
        ReleasedSchema released = writer.released();
        int length = bytes.length - HEADER_LENGTH;
        // First walk the body without materialising it: every length and count is checked against
        // the bytes present, so a corrupt length cannot make the real read allocate gigabytes.
        int trailing;
        try {
            BinaryDecoder check = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, length, null);
            GenericDatumReader.skip(released.schema(), check);
            trailing = check.isEnd() ? 0 : check.inputStream().available();
        } catch (IOException | RuntimeException e) {
            throw corrupt(topic, released, e.toString(), e);
        }
        if (trailing != 0) {
            throw corrupt(topic, released, trailing + " trailing bytes after the record", null);
        }
        DatumReader<SpecificRecord> reader = readers.get().computeIfAbsent(released.fingerprint(), fp ->
                new SpecificDatumReader<>(released.schema(), released.type().schema(),
                        SpecificData.getForClass(released.type().recordClass())));
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, length, null));
        } catch (IOException | RuntimeException e) {
            throw corrupt(topic, released, e.toString(), e);
        }
    }

    private static UndecodableRecordException corrupt(String topic, ReleasedSchema released, String why, Throwable cause) {
        return new UndecodableRecordException(topic, "has a corrupt body for " + released + ": " + why,
                released.fingerprint(), cause);
    }

    /** CRC-64-AVRO fingerprint of a schema's parsing canonical form. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
