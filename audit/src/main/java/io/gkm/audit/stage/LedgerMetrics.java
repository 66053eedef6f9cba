package io.gkm.audit.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the audit stage (Prometheus: gkm_audit_ledger_*). */
final class LedgerMetrics {
    final Counter entries;
    final Counter undecodable;
    final Counter committed;
    final Counter aborted;
    final AtomicLong sequence = new AtomicLong();
    final AtomicLong lag = new AtomicLong();

    LedgerMetrics(MeterRegistry registry) {
        entries = Counter.builder("gkm.audit.ledger.entries")
                .description("Audit records appended to the ledger and committed").register(registry);
        undecodable = Counter.builder("gkm.audit.ledger.undecodable")
                .description("Audit records appended that were not a decodable AuditEvent (kept as bytes)")
                .register(registry);
        committed = Counter.builder("gkm.audit.ledger.transactions.committed").register(registry);
        aborted = Counter.builder("gkm.audit.ledger.transactions.aborted")
                .description("Transactions that failed and were retried from the ledger's committed tail")
                .register(registry);
        Gauge.builder("gkm.audit.ledger.sequence", sequence, AtomicLong::get)
                .description("Sequence of the last committed ledger entry").register(registry);
        Gauge.builder("gkm.audit.ledger.lag", lag, AtomicLong::get)
                .description("Audit records not yet in the ledger, after the last poll").register(registry);
    }
}
