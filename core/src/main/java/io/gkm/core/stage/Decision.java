package io.gkm.core.stage;

import java.util.List;

/** A handler's answer to one inbound event: what to write, and what to audit. */
public record Decision(List<Outbound> outputs, List<AuditEntry> audits) {
    public Decision {
        outputs = List.copyOf(outputs);
        audits = List.copyOf(audits);
    }

    public static Decision of(Outbound output, AuditEntry audit) {
        return new Decision(List.of(output), List.of(audit));
    }

    /** Nothing to write, but the decision is still audited. */
    public static Decision auditOnly(AuditEntry audit) {
        return new Decision(List.of(), List.of(audit));
    }
}
