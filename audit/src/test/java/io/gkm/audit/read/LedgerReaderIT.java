package io.gkm.audit.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.audit.chain.BrokenLink;
import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.chain.ChainTail;
import io.gkm.audit.chain.LedgerHash;
import io.gkm.audit.stage.LedgerFixture;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * gkm audit verify and trace on a real ledger, written by the audit stage; tampering is done as an
 * intruder with write access would: records written straight onto the ledger topic.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerReaderIT {
    private static final EventCodec CODEC = EventCodec.INSTANCE;
    private KafkaCluster kafka;
    /** A ledger of 30 entries the stage wrote, never tampered with. */
    private LedgerFixture intact;
    private List<ConsumerRecord<byte[], byte[]>> records;

    @BeforeAll
    void writeALedger(KafkaCluster kafka) throws Exception {
        this.kafka = kafka;
        intact = new LedgerFixture(kafka, "verify-intact", 3);
        intact.audit("llama", 0, 30);
        intact.appendUntil("audit-0", 30);
        records = intact.ledgerRecords();
    }

    /** A fresh ledger topic holding copies of the intact ledger's records {@code sequences} (1-based), in that order. */
    private LedgerFixture copy(String name, int... sequences) throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, name, 1);
        List<ProducerRecord<String, byte[]>> copies = new ArrayList<>();
        for (int s : sequences) {
            ConsumerRecord<byte[], byte[]> r = records.get(s - 1);
            copies.add(new ProducerRecord<>(f.topics.auditLedger(), 0, new String(r.key()), r.value(), r.headers()));
        }
        f.send(copies);
        return f;
    }

    private static ChainCheck verify(LedgerFixture f) {
        try (LedgerReader reader = f.reader()) {
            return reader.verify(CODEC);
        }
    }

    @Test
    void anIntactLedgerVerifiesToItsLastEntry() {
        ChainCheck check = verify(intact);

        assertThat(check.broken()).isEmpty();
        assertThat(check.checked()).isEqualTo(30);
        AuditLedgerEntry last = CODEC.decode(intact.topics.auditLedger(), records.get(29).value(), AuditLedgerEntry.class);
        assertThat(check.head()).isEqualTo(ChainTail.after(last));
    }

    @Test
    void aForgedEntryAppendedAfterTheTailIsNamed() throws Exception {
        LedgerFixture f = copy("verify-forged", IntStream.rangeClosed(1, 30).toArray());
        AuditLedgerEntry last = CODEC.decode(f.topics.auditLedger(), records.get(29).value(), AuditLedgerEntry.class);
        // entry 31 as the stage would chain it, then its outcome changed without the hash that goes with it
        AuditLedgerEntry forged = ChainTail.after(last).append(new ConsumerRecord<>(f.topics.audit(), 0, 77L,
                "k".getBytes(), LedgerHash.array(last.getValue())), Instant.now(), CODEC);
        AuditEvent event = AuditEvent.newBuilder(last.getEvent()).setOutcome("VERIFIED").setReason("forged").build();
        forged.setValue(ByteBuffer.wrap(CODEC.encode(event)));
        forged.setEvent(event);
        RecordMetadata at = f.send(List.of(new ProducerRecord<>(f.topics.auditLedger(), 0, "k", CODEC.encode(forged))))
                .get(0);

        ChainCheck check = verify(f);

        BrokenLink broken = check.broken().orElseThrow();
        assertThat(broken.sequence()).isEqualTo(31);
        assertThat(broken.offset()).isEqualTo(at.offset());
        assertThat(broken.what()).contains("is not the hash of the entry's content").contains("altered");
        assertThat(check.checked()).isEqualTo(30);
    }

    @Test
    void aDroppedEntryIsNamedAsAGap() throws Exception {
        LedgerFixture f = copy("verify-gap", 1, 2, 3, 4, 5, 7, 8);

        ChainCheck check = verify(f);

        BrokenLink broken = check.broken().orElseThrow();
        assertThat(broken.sequence()).isEqualTo(7);
        assertThat(broken.offset()).isEqualTo(5);
        assertThat(broken.what()).isEqualTo("sequence 7 follows 5: entries 6 are missing");
        assertThat(check.checked()).isEqualTo(5);
    }

    @Test
    void reorderedAndReplayedEntriesAreNamed() throws Exception {
        ChainCheck reordered = verify(copy("verify-reordered", 1, 2, 4, 3));
        ChainCheck replayed = verify(copy("verify-replayed", 1, 2, 3, 2));

        assertThat(reordered.broken().orElseThrow().what()).isEqualTo("sequence 4 follows 2: entries 3 are missing");
        assertThat(reordered.broken().get().offset()).isEqualTo(2);
        assertThat(replayed.broken().orElseThrow().what())
                .isEqualTo("sequence 2 again after 3: a duplicate or reordered entry");
        assertThat(replayed.broken().get().offset()).isEqualTo(3);
    }

    @Test
    void theStageRefusesToAppendToALedgerWhoseLastRecordIsNotASoundEntry() throws Exception {
        LedgerFixture f = copy("verify-junk-tail", 1, 2);
        f.send(List.of(new ProducerRecord<>(f.topics.auditLedger(), 0, "k", new byte[] {1, 2, 3})));
        f.audit("llama", 0, 1);

        Throwable failure = f.failureOf("audit-0");

        assertThat(failure).hasMessageContaining("the last record of " + f.topics.auditLedger()
                + " (offset 2) is not a sound ledger entry, so nothing is appended to it");
        assertThat(f.ledgerRecords()).hasSize(3);
    }

    @Test
    void traceListsTheDecisionsOfOneResourceOrOneChainInLedgerOrder() {
        List<String> byResource;
        List<String> byChain;
        try (LedgerReader reader = intact.reader()) {
            byResource = reader.trace(CODEC, "it/team-a/GKMCache/llama-3").lines();
            byChain = reader.trace(CODEC, "corr-2").lines();
        }
        List<AuditLedgerEntry> ledger = intact.ledger();
        List<AuditLedgerEntry> ofResource = ledger.stream()
                .filter(e -> e.getEvent().getResourceKey().equals("it/team-a/GKMCache/llama-3")).toList();

        assertThat(ofResource).hasSizeGreaterThan(3);
        assertThat(byResource).hasSize(ofResource.size());
        for (int i = 0; i < ofResource.size(); i++) {
            AuditEvent e = ofResource.get(i).getEvent();
            assertThat(byResource.get(i)).startsWith("#" + ofResource.get(i).getSequence() + "  ")
                    .endsWith("  verifier  verify  " + e.getOutcome() + "  " + e.getReason());
        }
        assertThat(byChain).hasSize((int) ledger.stream().filter(e -> e.getEvent().getCorrelationId().equals("corr-2"))
                .count()).isNotEmpty();
    }
}
