package io.gkm.schemas;

import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.VerificationResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * The pipeline's event types (DESIGN.md section 3): generated Avro class, current Avro schema and
 * CloudEvents {@code ce_type} of each.
 */
public enum EventType {
    ADMISSION(AdmissionEvent.class, AdmissionEvent.getClassSchema(), "io.gkm.admission.v1"),
    RESOURCE(ResourceEvent.class, ResourceEvent.getClassSchema(), "io.gkm.resource.v1"),
    VERIFICATION(VerificationResult.class, VerificationResult.getClassSchema(), "io.gkm.verification.v1"),
    INSTALL_JOB(InstallJob.class, InstallJob.getClassSchema(), "io.gkm.installjob.v1"),
    INSTALL_RESULT(InstallResult.class, InstallResult.getClassSchema(), "io.gkm.installresult.v1"),
    NODE_INVENTORY(NodeInventory.class, NodeInventory.getClassSchema(), "io.gkm.nodeinventory.v1"),
    AUDIT(AuditEvent.class, AuditEvent.getClassSchema(), "io.gkm.audit.v1"),
    DEAD_LETTER(DeadLetter.class, DeadLetter.getClassSchema(), "io.gkm.deadletter.v1"),
    AUDIT_LEDGER(AuditLedgerEntry.class, AuditLedgerEntry.getClassSchema(), "io.gkm.auditledger.v1");

    private final Class<? extends SpecificRecord> recordClass;
    private final Schema schema;
    private final String ceType;
    private final long fingerprint;

    EventType(Class<? extends SpecificRecord> recordClass, Schema schema, String ceType) {
        this.recordClass = recordClass;
        this.schema = schema;
        this.ceType = ceType;
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The generated class, e.g. {@code ResourceEvent.class}. */
    public Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    /** The current (reader and writer) schema: the generated class's schema. */
    public Schema schema() {
        return schema;
    }

    /** CloudEvents type, e.g. {@code io.gkm.resource.v1}. */
    public String ceType() {
        return ceType;
    }

    /** Simple record name, e.g. {@code ResourceEvent}; also the folder of its released versions. */
    public String recordName() {
        return schema.getName();
    }

    /** CRC-64-AVRO fingerprint of the current schema's parsing canonical form. */
    public long fingerprint() {
        return fingerprint;
    }

    /** Every released version of this event's schema, oldest (v1) first. */
    public List<ReleasedSchema> releasedVersions() {
        return ReleasedSchemas.versions(this);
    }

    /** The event type of a record; fails for a record that is not one of the pipeline's events. */
    public static EventType of(SpecificRecord record) {
        Objects.requireNonNull(record, "record");
        return forSchemaName(record.getSchema().getFullName())
                .orElseThrow(() -> new IllegalArgumentException(
                        "not a pipeline event: " + record.getSchema().getFullName()
                                + " (expected one of " + List.of(values()) + ")"));
    }

    /** The event type of a generated class. */
    public static EventType of(Class<? extends SpecificRecord> recordClass) {
        Objects.requireNonNull(recordClass, "recordClass");
        for (EventType t : values()) {
            if (t.recordClass.equals(recordClass)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a pipeline event class: " + recordClass.getName());
    }

    /** The event type whose CloudEvents type is {@code ceType}, if any. */
    public static Optional<EventType> forCeType(String ceType) {
        for (EventType t : values()) {
            if (t.ceType.equals(ceType)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The event type whose record full name is {@code fullName}, e.g. {@code io.gkm.schemas.event.ResourceEvent}. */
    public static Optional<EventType> forSchemaName(String fullName) {
        for (EventType t : values()) {
            if (t.schema.getFullName().equals(fullName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
