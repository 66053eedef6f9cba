package io.gkm.audit.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.chain.ChainTail;
import io.gkm.audit.read.LedgerReader;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The audit stage on a real broker: what it appends, across restarts, against a second instance and a crashed one. */
@WithKafka
class AuditLedgerStageIT {
    private final KafkaCluster kafka;

    AuditLedgerStageIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    private static String where(RecordMetadata m) {
        return m.partition() + "@" + m.offset();
    }

    private static String where(AuditLedgerEntry e) {
        return e.getSourcePartition() + "@" + e.getSourceOffset();
    }

    /** Every audit record once, in one intact chain numbered 1..n, each partition's records in their order. */
    private static void assertChainedOnceEach(LedgerFixture f, List<RecordMetadata> sent, List<AuditLedgerEntry> ledger) {
        assertThat(ledger.stream().map(AuditLedgerStageIT::where).toList()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(AuditLedgerStageIT::where).toList());
        Map<Integer, Long> lastOffset = new HashMap<>();
        for (AuditLedgerEntry e : ledger) {
            Long before = lastOffset.put(e.getSourcePartition(), e.getSourceOffset());
            assertThat(before == null || before < e.getSourceOffset()).as("order within partition at %s", where(e)).isTrue();
        }
        try (LedgerReader reader = f.reader()) {
            ChainCheck check = reader.verify(EventCodec.INSTANCE);
            assertThat(check.broken()).isEmpty();
            assertThat(check.checked()).isEqualTo(sent.size());
            assertThat(check.head()).isEqualTo(ChainTail.after(ledger.get(ledger.size() - 1)));
        }
        assertThat(ledger).extracting(AuditLedgerEntry::getSequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, sent.size()).boxed().toList());
    }

    @Test
    void auditRecordsFromEveryPartitionLandOnTheLedgerOnceEachInOneChain() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-all", 3);
        List<RecordMetadata> sent = f.audit("llama", 0, 600);
        assertThat(sent.stream().map(RecordMetadata::partition).collect(Collectors.toSet())).hasSize(3);

        AuditLedgerStage stage = f.stage("audit-0");
        List<AuditLedgerEntry> ledger;
        try {
            ledger = f.awaitLedger(600);
        } finally {
            stage.close();
        }

        assertThat(stage.failure()).isEmpty();
        assertChainedOnceEach(f, sent, ledger);
        AuditLedgerEntry first = ledger.get(0);
        assertThat(first.getEvent().getStage()).isEqualTo("verifier");
        assertThat(first.getUndecodable()).isNull();
        ConsumerRecord<byte[], byte[]> record = f.ledgerRecords().get(0);
        CloudEventHeaders ce = CloudEventHeaders.read(record.headers());
        assertThat(ce.type()).isEqualTo("io.gkm.auditledger.v1");
        assertThat(ce.source()).isEqualTo("/gkm/it/audit/audit-0");
        assertThat(ce.correlationId()).isEqualTo(first.getEvent().getCorrelationId());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(first.getEvent().getResourceKey());
        assertThat(stage.committedTail()).isEqualTo(ChainTail.after(ledger.get(599)));
    }

    @Test
    void aRestartedStageContinuesTheChainWithoutAForkOrADuplicate() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-restart", 3);
        List<RecordMetadata> sent = new ArrayList<>(f.audit("llama", 0, 100));
        f.appendUntil("audit-0", 100);
        sent.addAll(f.audit("llama", 100, 150));

        List<AuditLedgerEntry> ledger = f.appendUntil("audit-1", 250);

        assertChainedOnceEach(f, sent, ledger);
    }

    @Test
    void aTransactionACrashedPredecessorLeftOpenIsAbortedAndNotChainedOnto() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-crash", 2);
        List<RecordMetadata> sent = new ArrayList<>(f.audit("llama", 0, 40));
        List<AuditLedgerEntry> before = f.appendUntil("audit-0", 40);
        // A predecessor that died mid-transaction: entry 41 written under the ledger's transactional
        // id, never committed. The next stage must abort it and chain 41 onto 40 itself.
        AuditLedgerEntry orphan = new ChainTail(40, ChainTail.after(before.get(39)).hash())
                .append(new ConsumerRecord<>(f.topics.audit(), 0, 999_999L, "k".getBytes(), new byte[] {1}),
                        Instant.now(), EventCodec.INSTANCE);
        KafkaProducer<String, byte[]> crashed = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "transactional.id", AuditLedgerStage.transactionalId(f.topics), "transaction.timeout.ms", 300_000),
                new StringSerializer(), new ByteArraySerializer());
        crashed.initTransactions();
        crashed.beginTransaction();
        crashed.send(new ProducerRecord<>(f.topics.auditLedger(), 0, "k", EventCodec.INSTANCE.encode(orphan))).get();
        crashed.flush();
        sent.addAll(f.audit("llama", 40, 20));

        List<AuditLedgerEntry> ledger;
        try {
            ledger = f.appendUntil("audit-1", 60);
        } finally {
            crashed.close(Duration.ZERO);
        }

        assertThat(ledger).noneMatch(e -> e.getSourceOffset() == 999_999L);
        assertChainedOnceEach(f, sent, ledger);
    }

    @Test
    void aSecondInstanceFencesTheFirstAndOnlyOneAppends() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-fence", 3);
        List<RecordMetadata> sent = new ArrayList<>(f.audit("llama", 0, 50));
        AuditLedgerStage first = f.stage("audit-0");
        AuditLedgerStage second = null;
        List<AuditLedgerEntry> ledger;
        try {
            f.awaitLedger(50);
            second = f.stage("audit-1");
            sent.addAll(f.audit("llama", 50, 100));
            await().atMost(Duration.ofSeconds(60)).until(() -> first.failure().isPresent());
            sent.addAll(f.audit("llama", 150, 50));
            ledger = f.awaitLedger(200);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }

        assertThat(first.failure().get()).hasMessageContaining("stage audit was fenced: another audit stage now appends to "
                + f.topics.auditLedger());
        assertThat(second.failure()).isEmpty();
        assertChainedOnceEach(f, sent, ledger);
    }

    @Test
    void anAuditRecordThatIsNotAnAuditEventIsChainedWithItsExactBytesNotLost() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-undecodable", 1);
        List<RecordMetadata> sent = new ArrayList<>(f.audit("llama", 0, 2));
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        sent.addAll(f.send(List.of(new ProducerRecord<>(f.topics.audit(), null, "it/team-a/GKMCache/llama-0", garbage))));
        sent.addAll(f.send(List.of(new ProducerRecord<>(f.topics.audit(), null, null, (byte[]) null))));
        sent.addAll(f.audit("llama", 2, 2));

        List<AuditLedgerEntry> ledger = f.appendUntil("audit-0", 6);

        assertChainedOnceEach(f, sent, ledger);
        AuditLedgerEntry bad = ledger.get(2);
        assertThat(bad.getEvent()).isNull();
        assertThat(bad.getUndecodable()).contains("bad magic");
        assertThat(bad.getValue()).isEqualTo(ByteBuffer.wrap(garbage));
        assertThat(ledger.get(3).getValue()).isNull();
        assertThat(ledger.get(3).getUndecodable()).contains("null value");
        assertThat(ledger.get(4).getEvent()).isNotNull();
        try (LedgerReader reader = f.reader()) {
            assertThat(reader.trace(EventCodec.INSTANCE, "it/team-a/GKMCache/llama-0").lines())
                    .anyMatch(l -> l.contains("UNDECODABLE") && l.contains("bad magic"));
        }
    }

    @Test
    void anAuditRecordTooLargeToKeepDecodedBesideItsBytesIsChainedWithItsBytesOnly() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-large", 1);
        Emitter ingest = new Emitter("ingest", "it", "ingest-0", f.topics, EventCodec.INSTANCE, Clock.systemUTC());
        String huge = "x".repeat(600_000);
        List<RecordMetadata> sent = new ArrayList<>(f.send(List.of(ingest.audit(new AuditEntry("admit", "DENIED", huge,
                "it/team-a/GKMCache/big", Map.of()), "corr-big", "cause-big"))));
        sent.addAll(f.audit("llama", 0, 2));

        List<AuditLedgerEntry> ledger = f.appendUntil("audit-0", 3);

        assertChainedOnceEach(f, sent, ledger);
        assertThat(ledger.get(0).getEvent()).isNull();
        assertThat(ledger.get(0).getUndecodable()).startsWith("kept as bytes only: with its event decoded the entry would be ");
        try (LedgerReader reader = f.reader()) {
            assertThat(reader.trace(EventCodec.INSTANCE, "it/team-a/GKMCache/big").lines()).singleElement(STRING)
                    .startsWith("#1  ").contains("  ingest  admit  DENIED  xxxx");
        }
    }

    @Test
    void transactionsTheLedgerRefusesAreRetriedFromTheCommittedTailWithoutMovingIt() throws Exception {
        LedgerFixture f = new LedgerFixture(kafka, "ledger-retry", 2);
        ConfigResource ledgerTopic = new ConfigResource(ConfigResource.Type.TOPIC, f.topics.auditLedger());
        // Every entry is over this limit: each transaction fails on its sends and is aborted.
        setMaxMessageBytes(ledgerTopic, "300");
        List<RecordMetadata> sent = f.audit("llama", 0, 30);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        AuditLedgerStage stage = f.stage("audit-0", registry);
        List<AuditLedgerEntry> ledger;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    registry.get("gkm.audit.ledger.transactions.aborted").counter().count() >= 3);
            assertThat(f.ledger()).isEmpty();
            assertThat(stage.committedTail()).isEqualTo(ChainTail.GENESIS);
            setMaxMessageBytes(ledgerTopic, "1048588");
            ledger = f.awaitLedger(30);
        } finally {
            stage.close();
        }

        assertThat(stage.failure()).isEmpty();
        assertChainedOnceEach(f, sent, ledger);
    }

    private void setMaxMessageBytes(ConfigResource topic, String bytes) throws Exception {
        kafka.admin().incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("max.message.bytes", bytes), AlterConfigOp.OpType.SET)))).all().get();
    }
}
