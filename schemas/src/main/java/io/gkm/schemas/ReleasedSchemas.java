package io.gkm.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every released version of every event schema, loaded from the class path:
 * {@code /io/gkm/schemas/released/<RecordName>/v1.avsc}, {@code v2.avsc}, ... (numbered without
 * gaps). The current {@code src/main/avro/<RecordName>.avsc} is always the newest released version;
 * a schema change is released by adding the next {@code v<N>.avsc}.
 */
public final class ReleasedSchemas {
    /** Class-path folder of the released schemas. */
    public static final String RESOURCE_ROOT = "/io/gkm/schemas/released/";

    private static final Map<EventType, List<ReleasedSchema>> VERSIONS = load();

    private ReleasedSchemas() {}

    /** Every released version of {@code type}, oldest first (never empty). */
    public static List<ReleasedSchema> versions(EventType type) {
        return VERSIONS.get(type);
    }

    /** The newest released version of {@code type}. */
    public static ReleasedSchema latest(EventType type) {
        List<ReleasedSchema> v = versions(type);
        return v.get(v.size() - 1);
    }

    /** Every released version of every event type. */
    public static List<ReleasedSchema> all() {
        List<ReleasedSchema> all = new ArrayList<>();
        VERSIONS.values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /** Class-path resource name of a version, e.g. {@code /io/gkm/schemas/released/ResourceEvent/v1.avsc}. */
    public static String resourceName(EventType type, int version) {
        return RESOURCE_ROOT + type.recordName() + "/v" + version + ".avsc";
    }

    /** Parses one schema file on its own (so versions may define the same named types). */
    public static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    private static Map<EventType, List<ReleasedSchema>> load() {
        Map<EventType, List<ReleasedSchema>> map = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            List<ReleasedSchema> versions = new ArrayList<>();
            for (int v = 1; ; v++) {
                String name = resourceName(type, v);
                String json = read(name);
                if (json == null) {
                    break;
                }
                Schema schema;
                try {
                    schema = parse(json);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("released schema " + name + " does not parse: " + e.getMessage(), e);
                }
                if (!schema.getFullName().equals(type.schema().getFullName())) {
                    throw new IllegalStateException("released schema " + name + " defines "
                            + schema.getFullName() + ", expected " + type.schema().getFullName());
                }
                versions.add(new ReleasedSchema(type, v, schema, SchemaNormalization.parsingFingerprint64(schema)));
            }
            if (versions.isEmpty()) {
                throw new IllegalStateException("no released schema for " + type + ": missing " + resourceName(type, 1));
            }
            map.put(type, List.copyOf(versions));
        }
        return Collections.unmodifiableMap(map);
    }

    private static String read(String name) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
