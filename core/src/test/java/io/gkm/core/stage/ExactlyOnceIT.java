package io.gkm.core.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.InstallJob;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once proof: a stage in its own JVM handles N records while it is SIGKILLed at
 * random points and restarted; a read_committed reader then sees exactly N outputs and N audit
 * events, no duplicate, no gap.
 */
@WithKafka
class ExactlyOnceIT {
    private static final int N = 10_000;
    private static final int KILLS = 4;

    @Test
    void aStageKilledAtRandomPointsAndRestartedWritesEveryOutputAndAuditEventExactlyOnce(KafkaCluster kafka)
            throws Exception {
        String prefix = kafka.uniqueName("eos") + ".";
        Topics topics = new Topics(prefix, 3, (short) 1);
        String input = prefix + "in";
        String output = prefix + "out";
        kafka.createTopics(3, input, output, topics.audit(), topics.dlq());
        Emitter ingest = new Emitter("ingest", "c1", "test", topics, EventCodec.INSTANCE, Clock.systemUTC());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("eos-input")) {
            for (int i = 0; i < N; i++) {
                sent.add(producer.send(ingest.chainStart(new Outbound(input, "c1/ns/GKMCache/cache-" + i,
                        TestStage.resource(i, "{}")))));
            }
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(30, TimeUnit.SECONDS); // every input is really there before the stage starts
        }
        assertThat(TopicContents.readAll(kafka.consumerProps("eos-input-check"), input)).hasSize(N);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        // Each run is killed after committing a random number of records; together they stay below N
        // so that the last run has work left.
        List<Integer> killAt = IntStream.range(0, KILLS).map(i -> 50 + random.nextInt(N / (KILLS + 1)))
                .boxed().toList();
        System.out.printf("ExactlyOnceIT: seed %d, runs killed after committing %s records%n", seed, killAt);
        List<Long> progressAtKill = new ArrayList<>();
        for (int threshold : killAt) {
            Process p = startStage(kafka, prefix, input, output, ProcessBuilder.Redirect.PIPE);
            long seen = awaitProgress(p, threshold);
            Thread.sleep(random.nextInt(40)); // lands inside the next transaction as often as not
            p.destroyForcibly(); // SIGKILL: no hook, no abort, no commit
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            progressAtKill.add(seen);
        }
        System.out.printf("ExactlyOnceIT: runs were killed when they had committed %s records%n", progressAtKill);

        Path log = Files.createTempFile("eos-last-run", ".log");
        Process last = startStage(kafka, prefix, input, output, ProcessBuilder.Redirect.to(log.toFile()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (TopicContents.readAll(kafka.readCommittedConsumerProps("eos-check"), output).size() < N
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        if (System.nanoTime() >= deadline) {
            diagnose(kafka, prefix + TestStage.NAME, last, log);
        }
        last.destroy(); // SIGTERM: the stage finishes its transaction and stops
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).as("last run stops on SIGTERM; its log: %s", log).isTrue();

        List<ConsumerRecord<byte[], byte[]>> outputs = TopicContents.readAll(kafka.readCommittedConsumerProps("c"), output);
        List<String> jobIds = outputs.stream()
                .map(r -> EventCodec.INSTANCE.decode(output, r.value(), InstallJob.class).getJobId()).toList();
        Set<String> expected = IntStream.range(0, N).mapToObj(i -> "job-" + i).collect(Collectors.toSet());
        assertThat(jobIds).hasSize(N).doesNotHaveDuplicates();
        assertThat(new HashSet<>(jobIds)).isEqualTo(expected);

        List<AuditEvent> audits = TopicContents.readAll(kafka.readCommittedConsumerProps("c"), topics.audit()).stream()
                .map(r -> EventCodec.INSTANCE.decode(topics.audit(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).hasSize(N);
        assertThat(audits).extracting(AuditEvent::getCauseEventId).doesNotHaveDuplicates();
        assertThat(audits.stream().map(a -> a.getDetails().get("job")).collect(Collectors.toSet())).isEqualTo(expected);
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("c"), topics.dlq())).isEmpty();
        // Each output's correlation id is the id of the input event that caused it.
        assertThat(outputs).allSatisfy(r -> assertThat(CloudEventHeaders.read(r.headers()).correlationId()).isNotBlank());

        long uncommitted = TopicContents.readAll(kafka.consumerProps("u"), output).size();
        System.out.printf("ExactlyOnceIT: %d outputs committed, %d written in all (%d in aborted transactions)%n",
                N, uncommitted, uncommitted - N);
    }

    /** When the stage stalls: what Kafka says about the group's offsets and open transactions. */
    private static void diagnose(KafkaCluster kafka, String group, Process stage, Path log) throws Exception {
        Admin admin = kafka.admin();
        try {
            var offsets = admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()),
                    new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group)
                    .get(10, TimeUnit.SECONDS);
            System.out.println("DIAG stable offsets of " + group + ": " + offsets);
        } catch (Exception e) {
            System.out.println("DIAG stable offsets of " + group + " unavailable: " + e);
        }
        var open = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT
                        && t.state() != TransactionState.COMPLETE_ABORT
                        && t.state() != TransactionState.EMPTY).toList();
        System.out.println("DIAG transactions not complete: " + open);
        System.out.println("DIAG group: " + admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS));
        Path threads = Path.of(log + ".threads");
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(stage.pid()), "Thread.print").redirectErrorStream(true)
                .redirectOutput(threads.toFile()).start();
        jcmd.waitFor(20, TimeUnit.SECONDS);
        System.out.println("DIAG stage log " + log + ", its threads " + threads);
    }

    private static Process startStage(KafkaCluster kafka, String prefix, String input, String output,
                                      ProcessBuilder.Redirect stdout) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                StageProcessMain.class.getName(), kafka.bootstrapServers(), prefix, input, output)
                .redirectErrorStream(true).redirectOutput(stdout).start();
    }

    /** Reads the child's progress lines until it has committed at least {@code threshold} records. */
    private static long awaitProgress(Process p, int threshold) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        AtomicLong seen = new AtomicLong(-1);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String line;
        StringBuilder other = new StringBuilder();
        while ((line = lines.readLine()) != null && System.nanoTime() < deadline) {
            if (line.startsWith("processed ")) {
                seen.set(Long.parseLong(line.substring("processed ".length())));
                if (seen.get() >= threshold) {
                    return seen.get();
                }
            } else {
                other.append(line).append('\n');
            }
        }
        throw new AssertionError("stage process did not reach " + threshold + " records (last " + seen
                + "); its output:\n" + other);
    }
}
