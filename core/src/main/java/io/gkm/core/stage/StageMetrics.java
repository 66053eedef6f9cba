package io.gkm.core.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** Per-stage counters, tagged with the stage name. */
final class StageMetrics {
    final Counter recordsIn;
    final Counter recordsOut;
    final Counter auditEvents;
    final Counter deadLetters;
    final Counter committed;
    final Counter aborted;
    final AtomicLong lag = new AtomicLong();

    StageMetrics(MeterRegistry registry, String stage) {
        recordsIn = Counter.builder("gkm.stage.records.in").tag("stage", stage)
                .description("Input records handled and committed").register(registry);
        recordsOut = Counter.builder("gkm.stage.records.out").tag("stage", stage)
                .description("Output events committed").register(registry);
        auditEvents = Counter.builder("gkm.stage.audit.events").tag("stage", stage)
                .description("Audit events committed").register(registry);
        deadLetters = Counter.builder("gkm.stage.dead.letters").tag("stage", stage)
                .description("Input records sent to the dead-letter topic").register(registry);
        committed = Counter.builder("gkm.stage.transactions.committed").tag("stage", stage).register(registry);
        aborted = Counter.builder("gkm.stage.transactions.aborted").tag("stage", stage)
                .description("Transactions aborted and retried after a retriable error").register(registry);
        Gauge.builder("gkm.stage.lag", lag, AtomicLong::get).tag("stage", stage)
                .description("Records behind the end of the assigned input partitions, after the last poll")
                .register(registry);
    }
}
