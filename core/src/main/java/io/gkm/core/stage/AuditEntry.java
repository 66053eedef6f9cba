package io.gkm.core.stage;

import java.util.Map;
import java.util.Objects;

/**
 * What a handler wants audited about its decision. The loop turns it into an
 * {@code AuditEvent} (id, stage, correlation and cause ids, time) written in the same
 * transaction as the decision's outputs, so a decision and its audit record exist together or
 * not at all.
 */
public record AuditEntry(String action, String outcome, String reason, String resourceKey, Map<String, String> details) {
    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
