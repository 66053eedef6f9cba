package io.gkm.core.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.InstallJob;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

@WithKafka
class StageLoopIT {
    private final EventCodec codec = EventCodec.INSTANCE;

    /** A stage's world on the shared broker: its own prefix, so its DLQ and audit topics are its own. */
    private record World(String prefix, String input, String output, Topics topics) {
        static World create(KafkaCluster kafka) {
            String prefix = kafka.uniqueName("t") + ".";
            Topics topics = new Topics(prefix, 1, (short) 1);
            World w = new World(prefix, prefix + "in", prefix + "out", topics);
            kafka.createTopics(1, w.input, w.output, topics.audit(), topics.dlq());
            return w;
        }
    }

    private void send(KafkaCluster kafka, World w, List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("test-input")) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private ProducerRecord<String, byte[]> event(World w, int i, String spec) {
        Emitter ingest = new Emitter("ingest", "c1", "test", w.topics, codec, Clock.systemUTC());
        return ingest.chainStart(new Outbound(w.input, "c1/ns/GKMCache/cache-" + i, TestStage.resource(i, spec)));
    }

    @Test
    void undecodableAndFailingRecordsGoToTheDeadLetterTopicAndTheRecordsAfterThemAreProcessed(KafkaCluster kafka)
            throws Exception {
        World w = World.create(kafka);
        byte[] garbage = "not avro at all \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        List<ProducerRecord<String, byte[]>> input = new ArrayList<>();
        input.add(event(w, 1, "{}"));
        input.add(new ProducerRecord<>(w.input, null, "c1/ns/GKMCache/garbage", garbage, new RecordHeaders()));
        input.add(event(w, 2, "{}"));
        input.add(event(w, 3, "{\"fail\":true}"));
        input.add(event(w, 4, "{}"));
        send(kafka, w, input);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StageLoop loop = TestStage.loop(kafka.bootstrapServers(), w.prefix, "i1", w.input, w.output,
                TestStage.handler(w.output), registry, 500)) {
            loop.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).size() == 3);
        }

        List<String> jobs = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).stream()
                .map(r -> codec.decode(r.topic(), r.value(), InstallJob.class).getJobId()).toList();
        assertThat(jobs).containsExactly("job-1", "job-2", "job-4");

        List<ConsumerRecord<byte[], byte[]>> dlq = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.topics.dlq());
        assertThat(dlq).hasSize(2);
        DeadLetter undecodable = codec.decode(w.topics.dlq(), dlq.get(0).value(), DeadLetter.class);
        assertThat(undecodable.getOriginalTopic()).isEqualTo(w.input);
        assertThat(undecodable.getPartition()).isZero();
        assertThat(undecodable.getOffset()).isEqualTo(1L);
        assertThat(bytes(undecodable.getValue())).isEqualTo(garbage);
        assertThat(new String(bytes(undecodable.getKey()), StandardCharsets.UTF_8)).isEqualTo("c1/ns/GKMCache/garbage");
        assertThat(undecodable.getError()).contains("ce_");
        assertThat(undecodable.getStage()).isEqualTo(TestStage.NAME);
        DeadLetter failed = codec.decode(w.topics.dlq(), dlq.get(1).value(), DeadLetter.class);
        assertThat(failed.getOffset()).isEqualTo(3L);
        assertThat(failed.getError()).isEqualTo("spec of c1/ns/GKMCache/cache-3 asks to fail");
        assertThat(failed.getErrorClass()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(codec.decode(w.input, bytes(failed.getValue()))).isEqualTo(TestStage.resource(3, "{\"fail\":true}"));
        assertThat(CloudEventHeaders.read(dlq.get(0).headers()).type()).isEqualTo("io.gkm.deadletter.v1");

        List<AuditEvent> audits = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.topics.audit()).stream()
                .map(r -> codec.decode(r.topic(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).extracting(AuditEvent::getOutcome)
                .containsExactly("DISPATCHED", "DEAD_LETTERED", "DISPATCHED", "DEAD_LETTERED", "DISPATCHED");
        assertThat(audits.get(1).getDetails()).containsEntry("offset", "1").containsEntry("topic", w.input);
        assertThat(registry.counter("gkm.stage.dead.letters", "stage", TestStage.NAME).count()).isEqualTo(2.0);
        assertThat(registry.counter("gkm.stage.records.in", "stage", TestStage.NAME).count()).isEqualTo(5.0);
    }

    @Test
    void outputsCarryTheChainsCorrelationIdAndTheStageAsSource(KafkaCluster kafka) throws Exception {
        World w = World.create(kafka);
        ProducerRecord<String, byte[]> in = event(w, 7, "{}");
        send(kafka, w, List.of(in));
        try (StageLoop loop = TestStage.loop(kafka.bootstrapServers(), w.prefix, "i1", w.input, w.output,
                TestStage.handler(w.output), new SimpleMeterRegistry(), 500)) {
            loop.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.topics.audit()).size() == 1);
        }
        CloudEventHeaders cause = CloudEventHeaders.read(in.headers());
        ConsumerRecord<byte[], byte[]> out = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).get(0);
        CloudEventHeaders ce = CloudEventHeaders.read(out.headers());
        assertThat(ce.correlationId()).isEqualTo(cause.id());
        assertThat(ce.source()).isEqualTo("/gkm/c1/" + TestStage.NAME + "/i1");
        assertThat(ce.type()).isEqualTo("io.gkm.installjob.v1");
        assertThat(ce.subject()).isEqualTo("c1/ns/GKMCache/cache-7");
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("c1/ns/GKMCache/cache-7");
        AuditEvent audit = codec.decode(w.topics.audit(),
                TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.topics.audit()).get(0).value(), AuditEvent.class);
        assertThat(audit.getCorrelationId()).isEqualTo(cause.id());
        assertThat(audit.getCauseEventId()).isEqualTo(cause.id());
        assertThat(audit.getStage()).isEqualTo(TestStage.NAME);
    }

    @Test
    void retriableErrorAbortsTheBatchAndRetriesItWithoutDuplicates(KafkaCluster kafka) throws Exception {
        World w = World.create(kafka);
        List<ProducerRecord<String, byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            input.add(event(w, i, "{}"));
        }
        send(kafka, w, input);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        StageHandler flaky = in -> {
            if (in.offset() == 10 && failuresLeft.getAndDecrement() > 0) {
                throw new RetriableStageException("registry answered 503");
            }
            return TestStage.decide(in, w.output);
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StageLoop loop = TestStage.loop(kafka.bootstrapServers(), w.prefix, "i1", w.input, w.output, flaky,
                registry, 500)) {
            loop.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).size() >= 20);
            assertThat(loop.failure()).isEmpty();
        }
        List<String> jobs = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).stream()
                .map(r -> codec.decode(r.topic(), r.value(), InstallJob.class).getJobId()).toList();
        assertThat(jobs).hasSize(20).doesNotHaveDuplicates();
        assertThat(registry.counter("gkm.stage.transactions.aborted", "stage", TestStage.NAME).count()).isEqualTo(2.0);
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.topics.dlq())).isEmpty();
    }

    @Test
    void aBatchThatOutlivesTheTransactionTimeoutIsAbortedByTheBrokerAndRetriedWithANewProducerWithoutDuplicates(
            KafkaCluster kafka) throws Exception {
        World w = World.create(kafka);
        send(kafka, w, List.of(event(w, 1, "{}"), event(w, 2, "{}")));
        // The broker aborts a transaction open longer than its timeout, checking every 10 s
        // (transaction.abort.timed.out.transaction.cleanup.interval.ms); the first record's job is
        // already sent when the second one's decision takes longer than that.
        AtomicInteger slowDecisionsLeft = new AtomicInteger(1);
        StageHandler slow = in -> {
            if (in.offset() == 1 && slowDecisionsLeft.getAndDecrement() > 0) {
                sleep(Duration.ofSeconds(12));
            }
            return TestStage.decide(in, w.output);
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StageLoop loop = TestStage.loop(new KafkaClientFactory(kafka.bootstrapServers(), Map.of()), w.prefix, "i1",
                w.input, slow, registry, TestStage.timing(500, Duration.ofSeconds(1)))) {
            loop.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> loop.failure().isPresent()
                    || TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).size() >= 2);
            assertThat(loop.failure()).isEmpty();
        }
        List<String> jobs = TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).stream()
                .map(r -> codec.decode(r.topic(), r.value(), InstallJob.class).getJobId()).toList();
        assertThat(jobs).containsExactly("job-1", "job-2");
        assertThat(registry.counter("gkm.stage.transactions.aborted", "stage", TestStage.NAME).count()).isEqualTo(1.0);
    }

    @Test
    void twoBatchesInARowOutlivingTheTransactionTimeoutStopTheStageWithWhatToChange(KafkaCluster kafka)
            throws Exception {
        World w = World.create(kafka);
        send(kafka, w, List.of(event(w, 1, "{}"), event(w, 2, "{}")));
        AtomicInteger slowDecisionsLeft = new AtomicInteger(2);
        StageHandler slow = in -> {
            if (in.offset() == 1 && slowDecisionsLeft.getAndDecrement() > 0) {
                sleep(Duration.ofSeconds(12));
            }
            return TestStage.decide(in, w.output);
        };
        try (StageLoop loop = TestStage.loop(new KafkaClientFactory(kafka.bootstrapServers(), Map.of()), w.prefix, "i1",
                w.input, slow, new SimpleMeterRegistry(), TestStage.timing(500, Duration.ofSeconds(1)))) {
            loop.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> loop.failure().isPresent());
            assertThat(loop.failure().orElseThrow()).hasMessageContaining("two batches in a row")
                    .hasMessageContaining("GKM_STAGE_TRANSACTION_TIMEOUT");
        }
        assertThat(TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output)).isEmpty();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    void aSecondInstanceWithTheSameIdFencesTheFirstWhichStopsWithAnActionableReason(KafkaCluster kafka)
            throws Exception {
        World w = World.create(kafka);
        send(kafka, w, List.of(event(w, 1, "{}")));
        try (StageLoop first = TestStage.loop(kafka.bootstrapServers(), w.prefix, "same", w.input, w.output,
                TestStage.handler(w.output), new SimpleMeterRegistry(), 500)) {
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).size() == 1);
            try (StageLoop second = TestStage.loop(kafka.bootstrapServers(), w.prefix, "same", w.input, w.output,
                    TestStage.handler(w.output), new SimpleMeterRegistry(), 500)) {
                second.start();
                send(kafka, w, List.of(event(w, 2, "{}")));
                await().atMost(Duration.ofSeconds(60)).until(() -> first.failure().isPresent());
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        TopicContents.readAll(kafka.readCommittedConsumerProps("r"), w.output).size() == 2);
                assertThat(first.failure().get()).isInstanceOf(StageFailedException.class)
                        .hasMessageContaining("give each instance its own GKM_INSTANCE");
                assertThat(second.failure()).isEmpty();
            }
        }
    }

    @Test
    void stopEndsTheLoopPromptlyWithoutFailure(KafkaCluster kafka) throws Exception {
        World w = World.create(kafka);
        StageLoop loop = TestStage.loop(kafka.bootstrapServers(), w.prefix, "i1", w.input, w.output,
                TestStage.handler(w.output), new SimpleMeterRegistry(), 500);
        Thread t = loop.start();
        Thread.sleep(500);
        loop.stop();
        assertThat(loop.awaitStopped(Duration.ofSeconds(10))).isTrue();
        t.join(1000);
        assertThat(t.isAlive()).isFalse();
        assertThat(loop.failure()).isEmpty();
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

}
