package io.gkm.audit.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.audit.chain.AuditRecords;
import io.gkm.audit.chain.ChainTail;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.AuditLedgerEntry;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class TraceTest {
    private static final String LLAMA = "prod/team-a/GKMCache/llama";

    private static AuditLedgerEntry entry(long offset, String key, String outcome, String correlationId) {
        return ChainTail.GENESIS.append(AuditRecords.audit(offset, key, outcome, correlationId), AuditRecords.T,
                EventCodec.INSTANCE);
    }

    @Test
    void anEntryConcernsItsResourceKeyAndItsCorrelationIdOnly() {
        AuditLedgerEntry e = entry(1, LLAMA, "VERIFIED", "corr-1");

        assertThat(Trace.concerns(e, LLAMA, EventCodec.INSTANCE)).isTrue();
        assertThat(Trace.concerns(e, "corr-1", EventCodec.INSTANCE)).isTrue();
        assertThat(Trace.concerns(e, "prod/team-a/GKMCache/llama2", EventCodec.INSTANCE)).isFalse();
        assertThat(Trace.concerns(e, "corr-2", EventCodec.INSTANCE)).isFalse();
    }

    @Test
    void anUndecodableRecordConcernsItsKeyAndItsCloudEventsSubjectOrCorrelation() {
        AuditLedgerEntry byKey = ChainTail.GENESIS.append(AuditRecords.record(0, 3, LLAMA, new byte[] {9}, List.of()),
                AuditRecords.T, EventCodec.INSTANCE);
        AuditLedgerEntry byHeader = ChainTail.GENESIS.append(AuditRecords.record(0, 4, null, new byte[] {9},
                List.of(new RecordHeader("ce_correlationid", "corr-7".getBytes()))), AuditRecords.T, EventCodec.INSTANCE);

        assertThat(Trace.concerns(byKey, LLAMA, EventCodec.INSTANCE)).isTrue();
        assertThat(Trace.concerns(byHeader, "corr-7", EventCodec.INSTANCE)).isTrue();
        assertThat(Trace.concerns(byHeader, LLAMA, EventCodec.INSTANCE)).isFalse();
    }

    @Test
    void aLineHoldsSequenceTimeStageActionOutcomeAndReason() {
        assertThat(Trace.line(entry(5, LLAMA, "REJECTED", "c"), EventCodec.INSTANCE))
                .isEqualTo("#1  2026-11-26T10:00:00.123Z  verifier  verify  REJECTED  reason 5");
    }

    @Test
    void anUndecodableLineSaysWhereTheRecordWasAndWhy() {
        AuditLedgerEntry e = ChainTail.GENESIS.append(AuditRecords.record(2, 8, LLAMA, new byte[] {9}, List.of()),
                AuditRecords.T, EventCodec.INSTANCE);

        assertThat(Trace.line(e, EventCodec.INSTANCE)).startsWith("#1  2026-11-26T10:00:00.123Z  ?  ?  UNDECODABLE  gkm.audit/2@8: record on topic 'gkm.audit' is too short");
    }

    @Test
    void anEntryKeptAsBytesOnlyIsTracedFromItsBytes() {
        AuditLedgerEntry e = entry(6, LLAMA, "VERIFIED", "corr-3");
        e.setEvent(null);
        e.setUndecodable("kept as bytes only");

        assertThat(Trace.concerns(e, "corr-3", EventCodec.INSTANCE)).isTrue();
        assertThat(Trace.line(e, EventCodec.INSTANCE)).isEqualTo("#1  2026-11-26T10:00:00.123Z  verifier  verify  VERIFIED  reason 6");
    }
}
