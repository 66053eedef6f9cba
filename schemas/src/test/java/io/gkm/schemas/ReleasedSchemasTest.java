package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guards the schema release rules of README.md. Runs with the module folder as working directory. */
class ReleasedSchemasTest {
    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("src/main/resources/io/gkm/schemas/released");

    @Test
    void everyCurrentSchemaFileIsAnEventTypeAndEveryEventTypeHasOne() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(CURRENT)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = Stream.of(EventType.values()).map(t -> t.recordName() + ".avsc")
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(files).isEqualTo(expected);
        Set<String> releasedDirs;
        try (Stream<Path> s = Files.list(RELEASED)) {
            releasedDirs = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(releasedDirs).isEqualTo(Stream.of(EventType.values()).map(EventType::recordName)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void currentSchemaFileEqualsItsNewestReleasedVersion(EventType type) throws IOException {
        Schema current = ReleasedSchemas.parse(Files.readString(CURRENT.resolve(type.recordName() + ".avsc")));
        ReleasedSchema latest = ReleasedSchemas.latest(type);

        assertThat(current.toString(true))
                .as("%s.avsc changed without being released as v%d.avsc", type.recordName(), latest.version() + 1)
                .isEqualTo(latest.schema().toString(true));
        assertThat(EventCodec.fingerprint(type.schema()))
                .as("generated class of %s is stale", type)
                .isEqualTo(latest.fingerprint());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void releasedVersionsOnDiskAreNumberedFromOneWithoutGapsAndAllLoaded(EventType type) throws IOException {
        List<String> names;
        try (Stream<Path> s = Files.list(RELEASED.resolve(type.recordName()))) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<ReleasedSchema> loaded = ReleasedSchemas.versions(type);

        assertThat(names).hasSize(loaded.size());
        for (int v = 1; v <= loaded.size(); v++) {
            assertThat(names).contains("v" + v + ".avsc");
            assertThat(loaded.get(v - 1).version()).isEqualTo(v);
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyNewerVersionReadsEveryOlderVersion(EventType type) {
        List<ReleasedSchema> versions = ReleasedSchemas.versions(type);
        for (int w = 0; w < versions.size(); w++) {
            for (int r = w; r < versions.size(); r++) {
                assertThat(incompatibilities(versions.get(r).schema(), versions.get(w).schema()))
                        .as("%s reading %s", versions.get(r), versions.get(w))
                        .isEmpty();
            }
            assertThat(incompatibilities(type.schema(), versions.get(w).schema()))
                    .as("generated %s reading %s", type.recordName(), versions.get(w))
                    .isEmpty();
        }
    }

    @Test
    void releasedVersionsDifferFromEachOther() {
        for (EventType type : EventType.values()) {
            List<Long> fps = ReleasedSchemas.versions(type).stream().map(ReleasedSchema::fingerprint).toList();
            assertThat(fps).as(type.toString()).doesNotHaveDuplicates();
        }
    }

    @Test
    void resourceEventV2AddsAnnotationsWithAnEmptyDefaultToV1() {
        List<ReleasedSchema> versions = ReleasedSchemas.versions(EventType.RESOURCE);
        assertThat(versions).extracting(ReleasedSchema::version).containsExactly(1, 2);
        Schema v1 = versions.get(0).schema();
        Schema v2 = versions.get(1).schema();

        assertThat(v1.getField("annotations")).isNull();
        assertThat(v2.getField("annotations").hasDefaultValue()).isTrue();
        assertThat(v2.getFields()).extracting(Schema.Field::name)
                .containsExactlyElementsOf(Stream.concat(v1.getFields().stream().map(Schema.Field::name)
                        .filter(n -> !n.equals("observedAt")), Stream.of("annotations", "observedAt")).toList());
    }

    @Test
    void newestAuditLedgerEntryEmbedsTheNewestAuditEvent() {
        // The ledger keeps each audit event decoded: a new AuditEvent version must be released in
        // AuditLedgerEntry too, or ledger entries would drop its new fields.
        Schema embedded = ReleasedSchemas.latest(EventType.AUDIT_LEDGER).schema().getField("event").schema()
                .getTypes().stream().filter(s -> s.getType() == Schema.Type.RECORD).findFirst().orElseThrow();

        assertThat(embedded.toString(true)).isEqualTo(ReleasedSchemas.latest(EventType.AUDIT).schema().toString(true));
    }

    @Test
    void compatibilityCheckCatchesAFieldAddedWithoutDefault() {
        Schema v1 = ReleasedSchemas.versions(EventType.RESOURCE).get(0).schema();
        String json = v1.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"added\",\"type\":\"string\"},");
        Schema broken = ReleasedSchemas.parse(json);

        assertThat(incompatibilities(broken, v1)).isNotEmpty();
        assertThat(incompatibilities(v1, broken)).isEmpty();
    }

    private static List<SchemaCompatibility.Incompatibility> incompatibilities(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return c.getType() == SchemaCompatibilityType.COMPATIBLE ? List.of() : c.getResult().getIncompatibilities();
    }
}
