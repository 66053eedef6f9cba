package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.audit.chain.ChainTail;
import io.gkm.audit.chain.LedgerHash;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gkm audit run} as a pod runs it ({@code java -jar gkm.jar audit run}) on a real broker,
 * then {@code gkm audit verify} and {@code gkm audit trace} on the ledger it wrote, before and
 * after a forged entry is written onto the ledger topic.
 */
@WithKafka
class AuditCommandIT {
    private static final String LLAMA = "it/team-a/GKMCache/llama";

    private record Run(int exitCode, String out, String err) {
    }

    private static Run gkm(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Gkm.commandLine(env);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> ledger(KafkaCluster kafka, Topics topics) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topics.auditLedger());
    }

    private static RecordMetadata send(KafkaCluster kafka, ProducerRecord<String, byte[]> r) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            return producer.send(new ProducerRecord<>(r.topic(), r.partition(),
                    r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8), r.value(), r.headers())).get();
        }
    }

    @Test
    void theStageAppendsServesMetricsStopsOnSigtermAndVerifyAndTraceReadWhatItWrote(KafkaCluster kafka)
            throws Exception {
        String prefix = kafka.uniqueName("audit") + ".";
        Topics topics = new Topics(prefix, 3, (short) 1);
        // kafka.createTopics waits for the leaders: a produce before them can loop until its timeout
        kafka.createTopics(topics.pipelineTopics().stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.configs())).toList());
        Emitter verifier = new Emitter("verifier", "it", "verifier-0", topics, EventCodec.INSTANCE, Clock.systemUTC());
        for (int i = 0; i < 20; i++) {
            send(kafka, verifier.audit(new AuditEntry("verify", i == 19 ? "REJECTED" : "VERIFIED", "reason " + i,
                    i % 2 == 0 ? LLAMA : LLAMA + "-" + i, Map.of()), "corr-" + (i % 3), "cause-" + i));
        }
        int metricsPort = GkmProcess.freePort();
        Map<String, String> env = Map.of("GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix, "GKM_CLUSTER", "it", "GKM_INSTANCE", "audit-it",
                "GKM_METRICS_PORT", String.valueOf(metricsPort));

        GkmProcess audit = GkmProcess.start(List.of("audit", "run"), env, "ready;");
        boolean stopped;
        try {
            assertThat(audit.startup()).contains("audit     " + prefix + "audit -> " + prefix
                    + "audit-ledger after sequence 0 (transactional id " + prefix + "audit.ledger, group " + prefix
                    + "audit)");
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger(kafka, topics).size() == 20);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("gkm_audit_ledger_entries_total 20.0").contains("gkm_audit_ledger_sequence 20.0");
        } finally {
            stopped = audit.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm audit run stops on SIGTERM").isTrue();
        assertThat(audit.exitValue()).isIn(0, 143);
        assertThat(audit.rest()).contains("stopping");

        Run intact = gkm(env, "audit", "verify");
        assertThat(intact.exitCode()).as(intact.err()).isZero();
        AuditLedgerEntry last = EventCodec.INSTANCE.decode(topics.auditLedger(), ledger(kafka, topics).get(19).value(),
                AuditLedgerEntry.class);
        assertThat(intact.out()).isEqualTo("intact  " + topics.auditLedger() + ": 20 entries checked; head: sequence 20, hash "
                + ChainTail.after(last).hashHex() + "\n");

        Run trace = gkm(env, "audit", "trace", LLAMA);
        assertThat(trace.exitCode()).isZero();
        List<String> lines = trace.out().lines().toList();
        assertThat(lines).hasSize(10).allMatch(l -> l.matches("#\\d+  \\S+Z  verifier  verify  VERIFIED  reason \\d+"));
        assertThat(lines.stream().map(l -> Integer.parseInt(l.substring(1, l.indexOf(' '))))).isSorted();
        Run chain = gkm(env, "audit", "trace", "corr-1");
        assertThat(chain.out().lines()).hasSize(7).anyMatch(l -> l.endsWith("  REJECTED  reason 19"));

        // an intruder with write access appends entry 21, chained right but with its bytes changed after hashing
        AuditLedgerEntry forged = ChainTail.after(last).append(new ConsumerRecord<>(topics.audit(), 0, 5L,
                LLAMA.getBytes(StandardCharsets.UTF_8), LedgerHash.array(last.getValue())), Instant.now(), EventCodec.INSTANCE);
        forged.setSourceOffset(6L);
        RecordMetadata at = send(kafka, new ProducerRecord<>(topics.auditLedger(), 0, LLAMA,
                EventCodec.INSTANCE.encode(forged)));

        Run broken = gkm(env, "audit", "verify");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.out()).startsWith("BROKEN  " + topics.auditLedger() + " at sequence 21 (offset " + at.offset()
                + "): hash ").contains("is not the hash of the entry's content").endsWith("; the 20 entries before it are intact\n");
        Run none = gkm(env, "audit", "trace", "it/team-b/GKMCache/nothing");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no decision of it/team-b/GKMCache/nothing is recorded in " + topics.auditLedger());
    }

    @Test
    void badConfigurationExitsTwoAndAMissingLedgerIsAnErrorNotABrokenChain(KafkaCluster kafka) {
        Run badRun = gkm(Map.of("GKM_STAGE_MAX_POLL_RECORDS", "0"), "audit", "run");
        Run badVerify = gkm(Map.of("GKM_TOPIC_PREFIX", "no spaces"), "audit", "verify");
        Run missing = gkm(Map.of("GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", kafka.uniqueName("nothing") + "."), "audit", "verify");

        assertThat(badRun.exitCode()).isEqualTo(2);
        assertThat(badRun.err()).contains("GKM_STAGE_MAX_POLL_RECORDS");
        assertThat(badVerify.exitCode()).isEqualTo(2);
        assertThat(badVerify.err()).contains("GKM_TOPIC_PREFIX");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("gkm audit verify: cannot read the ledger: the audit ledger topic ")
                .contains("does not exist; create it: gkm topics create");
    }
}
