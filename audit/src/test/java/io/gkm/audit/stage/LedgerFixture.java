package io.gkm.audit.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.audit.read.LedgerReader;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.core.ConditionTimeoutException;

/** Pipeline topics of their own on the test broker, audit records written as stages write them, and the audit stage. */
public final class LedgerFixture {
    public static final StageLoop.Timing TIMING = new StageLoop.Timing(Duration.ofMillis(100), 200,
            Duration.ofSeconds(30), Duration.ofMillis(100));

    public final KafkaCluster kafka;
    public final Topics topics;
    public final KafkaClientFactory clients;
    private final Emitter verifier;

    public LedgerFixture(KafkaCluster kafka, String name, int partitions) {
        this(kafka, name, partitions, Map.of());
    }

    /** The stage's and the reader's clients log in with {@code clientProperties} (a user of a cluster with ACLs). */
    public LedgerFixture(KafkaCluster kafka, String name, int partitions, Map<String, String> clientProperties) {
        this.kafka = kafka;
        this.topics = new Topics(kafka.uniqueName(name) + ".", partitions, (short) 1);
        // kafka.createTopics waits for the leaders: a produce before them can loop until its timeout
        kafka.createTopics(topics.pipelineTopics().stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.configs())).toList());
        this.clients = new KafkaClientFactory(kafka.bootstrapServers(), clientProperties);
        this.verifier = new Emitter("verifier", "it", "verifier-0", topics, EventCodec.INSTANCE, Clock.systemUTC());
    }

    /** An audit stage on these topics whose ledger records name {@code instance} as their source. */
    public AuditLedgerStage stage(String instance) {
        return stage(instance, new SimpleMeterRegistry());
    }

    /** An audit stage on these topics counting into {@code registry}. */
    public AuditLedgerStage stage(String instance, MeterRegistry registry) {
        Emitter emitter = new Emitter(AuditLedgerStage.STAGE, "it", instance, topics, EventCodec.INSTANCE,
                Clock.systemUTC());
        AuditLedgerStage stage = new AuditLedgerStage(topics, TIMING, clients, emitter, EventCodec.INSTANCE,
                Clock.systemUTC(), registry);
        stage.start();
        return stage;
    }

    /** Runs a stage until the ledger holds {@code n} entries, then stops it; the entries. The stage must not fail. */
    public List<AuditLedgerEntry> appendUntil(String instance, int n) throws InterruptedException {
        AuditLedgerStage stage = stage(instance);
        List<AuditLedgerEntry> entries;
        try {
            entries = awaitLedger(n);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the ledger holds " + ledger().size() + " of " + n + " entries; stage " + instance
                    + (stage.committedTail() == null ? " never read the tail" : " committed up to "
                    + stage.committedTail()) + ", failure: " + stage.failure(), e);
        } finally {
            stage.close();
        }
        assertThat(stage.failure()).as("stage %s", instance).isEmpty();
        return entries;
    }

    /** Runs a stage until it stops on its own; why it stopped. */
    public Throwable failureOf(String instance) throws InterruptedException {
        AuditLedgerStage stage = stage(instance);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> stage.failure().isPresent());
        } finally {
            stage.close();
        }
        return stage.failure().orElseThrow();
    }

    /** Writes {@code n} audit events of the verifier, resources {@code <name>-0..}, in chains corr-0..; their metadata. */
    public List<RecordMetadata> audit(String name, int from, int n) throws ExecutionException, InterruptedException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            records.add(verifier.audit(new AuditEntry("verify", i % 2 == 0 ? "VERIFIED" : "REJECTED", "reason " + i,
                    "it/team-a/GKMCache/" + name + "-" + (i % 7), Map.of("n", String.valueOf(i))), "corr-" + (i % 5),
                    "cause-" + i));
        }
        return send(records);
    }

    /** Writes records as they are, with a plain idempotent producer. */
    public List<RecordMetadata> send(List<ProducerRecord<String, byte[]>> records)
            throws ExecutionException, InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> r : records) {
                sent.add(producer.send(new ProducerRecord<>(r.topic(), r.partition(),
                        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers())));
            }
            List<RecordMetadata> metadata = new ArrayList<>();
            for (var f : sent) {
                metadata.add(f.get());
            }
            return metadata;
        }
    }

    /** The ledger's committed records. */
    public List<ConsumerRecord<byte[], byte[]>> ledgerRecords() {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topics.auditLedger());
    }

    /** The ledger's committed entries, in order. */
    public List<AuditLedgerEntry> ledger() {
        return ledgerRecords().stream()
                .map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), AuditLedgerEntry.class)).toList();
    }

    /** Waits until the ledger holds {@code n} entries. */
    public List<AuditLedgerEntry> awaitLedger(int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger().size() >= n);
        List<AuditLedgerEntry> entries = ledger();
        assertThat(entries).hasSize(n);
        return entries;
    }

    public LedgerReader reader() {
        return new LedgerReader(clients, topics.auditLedger(), "it-reader", Duration.ofSeconds(30));
    }
}
