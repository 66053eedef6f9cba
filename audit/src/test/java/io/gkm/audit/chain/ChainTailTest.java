package io.gkm.audit.chain;

import static io.gkm.audit.chain.AuditRecords.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.LedgerHeader;
import io.gkm.schemas.event.NodeInventory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class ChainTailTest {
    private final EventCodec codec = EventCodec.INSTANCE;

    @Test
    void eachEntryLinksToTheOneBeforeFromTheGenesis() {
        List<AuditLedgerEntry> chain = AuditRecords.chain(3);

        assertThat(chain).extracting(AuditLedgerEntry::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(LedgerHash.array(chain.get(0).getPreviousHash())).isEqualTo(new byte[32]);
        for (int i = 1; i < chain.size(); i++) {
            assertThat(LedgerHash.array(chain.get(i).getPreviousHash()))
                    .isEqualTo(LedgerHash.array(chain.get(i - 1).getHash()));
        }
        for (AuditLedgerEntry e : chain) {
            assertThat(LedgerHash.array(e.getHash())).isEqualTo(LedgerHash.of(e)).hasSize(32);
        }
        assertThat(ChainTail.after(chain.get(2))).isEqualTo(new ChainTail(3, LedgerHash.of(chain.get(2))));
    }

    @Test
    void anEntryKeepsTheAuditRecordAsReceivedAndItsEventDecoded() {
        ConsumerRecord<byte[], byte[]> record = AuditRecords.audit(41, "prod/team-a/GKMCache/llama", "REJECTED", "corr-9");

        AuditLedgerEntry entry = ChainTail.GENESIS.append(record, T, codec);

        assertThat(entry.getSourceTopic()).isEqualTo("gkm.audit");
        assertThat(entry.getSourcePartition()).isZero();
        assertThat(entry.getSourceOffset()).isEqualTo(41);
        assertThat(entry.getSourceTimestamp().toEpochMilli()).isEqualTo(record.timestamp());
        assertThat(LedgerHash.array(entry.getKey())).isEqualTo(record.key());
        assertThat(LedgerHash.array(entry.getValue())).isEqualTo(record.value());
        List<String> names = entry.getHeaders().stream().map(LedgerHeader::getName).toList();
        List<String> recordNames = new java.util.ArrayList<>();
        for (Header h : record.headers()) {
            recordNames.add(h.key());
        }
        assertThat(names).isEqualTo(recordNames).contains("ce_id", "ce_source", "ce_time", "ce_correlationid");
        assertThat(entry.getEvent()).isEqualTo(codec.decode("gkm.audit", record.value(), AuditEvent.class));
        assertThat(entry.getEvent().getOutcome()).isEqualTo("REJECTED");
        assertThat(entry.getUndecodable()).isNull();
        assertThat(entry.getRecordedAt()).isEqualTo(T);
    }

    @Test
    void aRecordThatIsNotAvroIsChainedWithItsBytesAndWhyItIsUndecodable() {
        ConsumerRecord<byte[], byte[]> garbage = AuditRecords.record(2, 7, "prod/team-a/GKMCache/llama",
                "not avro at all".getBytes(StandardCharsets.UTF_8), List.of());

        AuditLedgerEntry entry = ChainTail.GENESIS.append(garbage, T, codec);

        assertThat(entry.getEvent()).isNull();
        assertThat(entry.getUndecodable()).contains("gkm.audit").contains("bad magic");
        assertThat(LedgerHash.array(entry.getValue())).isEqualTo(garbage.value());
        assertThat(LedgerHash.array(entry.getHash())).isEqualTo(LedgerHash.of(entry));
    }

    @Test
    void aTombstoneAndAnotherEventTypeAreChainedAsUndecodable() {
        ConsumerRecord<byte[], byte[]> tombstone = AuditRecords.record(0, 1, "k", null, List.of());
        byte[] inventory = codec.encode(NodeInventory.newBuilder().setCluster("prod").setNode("gpu-1")
                .setGpus(List.of()).setReportedAt(T).build());
        ConsumerRecord<byte[], byte[]> wrongType = AuditRecords.record(0, 2, "k", inventory, List.of());

        AuditLedgerEntry first = ChainTail.GENESIS.append(tombstone, T, codec);
        AuditLedgerEntry second = ChainTail.after(first).append(wrongType, T, codec);

        assertThat(first.getValue()).isNull();
        assertThat(first.getUndecodable()).contains("null value");
        assertThat(second.getUndecodable()).contains("NodeInventory").contains("not the expected AuditEvent");
        assertThat(second.getSequence()).isEqualTo(2);
    }

    @Test
    void appendingLeavesTheTailWhereItWasSoAnAbortedBatchDoesNotMoveIt() {
        ChainTail tail = ChainTail.after(AuditRecords.chain(2).get(1));
        ChainTail copy = new ChainTail(tail.sequence(), tail.hash());

        AuditLedgerEntry next = tail.append(AuditRecords.audit(9, "k", "VERIFIED", "c"), T, codec);

        assertThat(tail).isEqualTo(copy);
        assertThat(next.getSequence()).isEqualTo(3);
        assertThat(ChainTail.after(next)).isNotEqualTo(tail);
    }
}
