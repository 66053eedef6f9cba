package io.gkm.dispatcher.stage;

import static io.gkm.dispatcher.routing.Events.CUDA_75;
import static io.gkm.dispatcher.routing.Events.DIGEST;
import static io.gkm.dispatcher.routing.Events.ROCM_GFX90A;
import static io.gkm.dispatcher.routing.Events.deleted;
import static io.gkm.dispatcher.routing.Events.gpu;
import static io.gkm.dispatcher.routing.Events.node;
import static io.gkm.dispatcher.routing.Events.verdict;
import static io.gkm.dispatcher.routing.Events.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.dispatcher.view.DispatchViews;
import io.gkm.ingest.model.ClusterGKMCacheNode;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.Verdict;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher on the real KRaft broker: node reports, verdicts and deletions in; jobs on each
 * compatible node's own topic, created by the dispatcher, with audit events; its state kept
 * across a restart; install results projected onto status objects in fabric8's API server (CRUD).
 */
@WithKafka
@EnableKubernetesMockClient(crud = true, https = false)
class DispatcherStageIT {
    private static final EventCodec CODEC = EventCodec.INSTANCE;
    private static final String KEY = "c1/team-a/GKMCache/vector-add";
    private static final String REJECTED_KEY = "c1/team-a/GKMCache/unsigned";
    private static final String IMAGE = "quay.io/gkm/vector-add-cache:rocm";
    private static final Duration WAIT = Duration.ofSeconds(60);

    KubernetesClient client;

    private static Topics topics(KafkaCluster kafka) {
        Topics topics = new Topics(kafka.uniqueName("d") + ".", 2, (short) 1);
        new TopicAdmin(kafka.admin()).create(topics.pipelineTopics());
        return topics;
    }

    private static KafkaClientFactory clients(KafkaCluster kafka) {
        return new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
    }

    private static StageLoop.Timing timing() {
        return new StageLoop.Timing(Duration.ofMillis(100), 500, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    private static DispatcherStage start(KafkaCluster kafka, Topics topics, String instance)
            throws InterruptedException {
        StageSpec spec = new StageSpec(DispatchHandler.STAGE, "c1", instance, DispatchHandler.inputs(topics));
        return DispatcherStage.start(spec, timing(), Duration.ofSeconds(30), clients(kafka), topics,
                new SimpleMeterRegistry());
    }

    /** Sends as the other stages do: each event starts its chain. */
    private static void send(KafkaCluster kafka, String stage, String topic, String key, SpecificRecord event) {
        Emitter emitter = new Emitter(stage, "c1", "it", new Topics(), CODEC, Clock.systemUTC());
        send(kafka, emitter.chainStart(new Outbound(topic, key, event)));
    }

    private static void send(KafkaCluster kafka, ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = clients(kafka).producer("it-other-stage")) {
            producer.send(record);
            producer.flush();
        }
    }

    private static void report(KafkaCluster kafka, Topics topics, NodeInventory n) {
        send(kafka, "node-consumer", topics.nodes(), ResourceKey.nodeKey(n.getCluster(), n.getNode()), n);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster kafka, String topic) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("it-reader")), topic);
    }

    private static boolean exists(KafkaCluster kafka, String topic) {
        return new TopicAdmin(kafka.admin()).list(topic).contains(topic);
    }

    /** The jobs on a node's topic, once it holds {@code count}. */
    private static List<InstallJob> jobs(KafkaCluster kafka, Topics topics, String node, int count,
            DispatcherStage stage) {
        String topic = topics.jobs("c1", node);
        await().atMost(WAIT).until(() -> stage.failure().isPresent()
                || exists(kafka, topic) && read(kafka, topic).size() >= count);
        assertThat(stage.failure()).isEmpty();
        List<ConsumerRecord<byte[], byte[]>> records = read(kafka, topic);
        assertThat(records).hasSize(count);
        return records.stream().map(r -> CODEC.decode(r.topic(), r.value(), InstallJob.class)).toList();
    }

    private static List<AuditEvent> audits(KafkaCluster kafka, Topics topics) {
        return read(kafka, topics.audit()).stream().map(r -> CODEC.decode(r.topic(), r.value(), AuditEvent.class))
                .toList();
    }

    @Test
    void verifiedCachesReachExactlyTheCompatibleNodesIncludingOnesThatJoinLaterAndDeletedOnesAreRemoved(
            KafkaCluster kafka) throws InterruptedException {
        Topics topics = topics(kafka);
        report(kafka, topics, node("c1", "gpu-a", gpu("hip", "gfx90a", 64)));
        report(kafka, topics, node("c1", "gpu-b", gpu("hip", "gfx942", 64)));

        try (DispatcherStage stage = start(kafka, topics, "it-1")) {
            // The stage reads the reports too (each node gets what is verified already: nothing yet);
            // waited for, so that no report is handled after the verdict and gives a second job.
            awaitAudits(kafka, topics, DispatchHandler.NOTHING_TO_DISPATCH, 2);
            send(kafka, "verifier", topics.verifications(), KEY, verified(KEY, IMAGE, ROCM_GFX90A));
            send(kafka, "verifier", topics.verifications(), REJECTED_KEY,
                    verdict(Verdict.REJECTED, REJECTED_KEY, "quay.io/gkm/unsigned:rocm", DIGEST, ROCM_GFX90A));

            InstallJob job = jobs(kafka, topics, "gpu-a", 1, stage).get(0);
            assertThat(job.getAction()).isEqualTo(JobAction.INSTALL);
            assertThat(job.getResourceKey()).isEqualTo(KEY);
            assertThat(job.getNode()).isEqualTo("gpu-a");
            assertThat(job.getAttempt()).isEqualTo(1);
            assertThat(job.getImage()).isEqualTo("quay.io/gkm/vector-add-cache@" + DIGEST);
            assertThat(job.getTargetPath()).isEqualTo("/var/lib/gkm/caches/team-a/vector-add/" + DIGEST);
            await().atMost(WAIT).until(() -> audits(kafka, topics).stream()
                    .anyMatch(a -> REJECTED_KEY.equals(a.getResourceKey())));
            assertThat(exists(kafka, topics.jobs("c1", "gpu-b"))).as("no job, so no topic, for the gfx942 node")
                    .isFalse();
            assertThat(new TopicAdmin(kafka.admin()).describe(List.of(topics.jobs("c1", "gpu-a"))).get(0).configs())
                    .as("created by the dispatcher with the jobs topic settings")
                    .containsEntry("retention.ms", Long.toString(Topics.JOBS_RETENTION_MS));

            List<AuditEvent> audits = audits(kafka, topics);
            assertThat(audits).filteredOn(a -> KEY.equals(a.getResourceKey())).extracting(AuditEvent::getOutcome)
                    .containsExactlyInAnyOrder(DispatchHandler.DISPATCHED, DispatchHandler.SKIPPED_INCOMPATIBLE);
            assertThat(audits).filteredOn(a -> KEY.equals(a.getResourceKey())).allSatisfy(a -> {
                assertThat(a.getStage()).isEqualTo("dispatcher");
                assertThat(a.getAction()).isEqualTo("dispatch");
            });
            assertThat(audits).filteredOn(a -> REJECTED_KEY.equals(a.getResourceKey())).singleElement()
                    .satisfies(a -> {
                        assertThat(a.getOutcome()).isEqualTo(DispatchHandler.NOT_DISPATCHED);
                        assertThat(a.getReason()).startsWith("verdict REJECTED: no signatures found");
                    });

            // A node that joins later gets the verified cache, and not the rejected one.
            report(kafka, topics, node("c1", "gpu-c", gpu("hip", "gfx90a", 64)));
            assertThat(jobs(kafka, topics, "gpu-c", 1, stage)).singleElement()
                    .satisfies(j -> assertThat(j.getResourceKey()).isEqualTo(KEY));

            send(kafka, "ingest", topics.resources(), KEY, deleted(KEY, "team-a", "vector-add"));
            for (String node : List.of("gpu-a", "gpu-c")) {
                InstallJob remove = jobs(kafka, topics, node, 2, stage).get(1);
                assertThat(remove.getAction()).isEqualTo(JobAction.REMOVE);
                assertThat(remove.getDigest()).isEqualTo(DIGEST);
                assertThat(remove.getTargetPath()).isEqualTo(job.getTargetPath());
            }
            assertThat(exists(kafka, topics.jobs("c1", "gpu-b"))).isFalse();
            assertThat(read(kafka, topics.dlq())).isEmpty();
        }
    }

    @Test
    void whatWasVerifiedAndWhoGotItSurviveARestartSoOnlyANewNodeGetsItAndADeletedCacheNothing(KafkaCluster kafka)
            throws Exception {
        Topics topics = topics(kafka);
        String deletedKey = "c1/team-a/GKMCache/gone";
        String clusterKey = "c1/_cluster/ClusterGKMCache/flash-attn";
        NodeInventory gpuA = node("c1", "gpu-a", gpu("hip", "gfx90a", 64));
        report(kafka, topics, gpuA);
        try (DispatcherStage stage = start(kafka, topics, "it-1")) {
            awaitAudits(kafka, topics, DispatchHandler.NOTHING_TO_DISPATCH, 1);
            send(kafka, "verifier", topics.verifications(), KEY, verified(KEY, IMAGE, ROCM_GFX90A));
            send(kafka, "verifier", topics.verifications(), clusterKey,
                    verified(clusterKey, "quay.io/gkm/flash-attn:cuda", CUDA_75));
            send(kafka, "verifier", topics.verifications(), deletedKey, verified(deletedKey, IMAGE, ROCM_GFX90A));
            // Verdicts and deletions come on two topics: a deletion read before the verdict it
            // follows would be undone by it (a race the package documentation names).
            jobs(kafka, topics, "gpu-a", 2, stage);
            send(kafka, "ingest", topics.resources(), deletedKey, deleted(deletedKey, "team-a", "gone"));
            assertThat(jobs(kafka, topics, "gpu-a", 3, stage).get(2).getAction()).isEqualTo(JobAction.REMOVE);
        }

        report(kafka, topics, gpuA); // as its node-consumer does at every interval
        report(kafka, topics, node("c1", "gpu-late", gpu("hip", "gfx90a", 64)));
        // The same instance, as a restarted process: it takes its static group membership back at
        // once (another instance would wait out the first one's session timeout).
        try (DispatcherStage restarted = start(kafka, topics, "it-1")) {
            assertThat(jobs(kafka, topics, "gpu-late", 1, restarted)).singleElement()
                    .satisfies(j -> assertThat(j.getResourceKey()).isEqualTo(KEY));
            awaitConsumed(kafka, topics, topics.nodes());
            assertThat(jobs(kafka, topics, "gpu-a", 3, restarted)).as("a repeated report gets nothing again")
                    .hasSize(3);
        }
    }

    @Test
    void aVerdictRepeatedInOneBatchIsDispatchedOnceAsTheSecondDecisionSeesTheFirstsState(KafkaCluster kafka)
            throws InterruptedException {
        Topics topics = topics(kafka);
        report(kafka, topics, node("c1", "gpu-a", gpu("hip", "gfx90a", 64)));
        try (DispatcherStage stage = start(kafka, topics, "it-1")) {
            awaitAudits(kafka, topics, DispatchHandler.NOTHING_TO_DISPATCH, 1);
            // One transaction: the stage reads both at once, as one poll of up to 500 records would take them.
            Emitter verifier = new Emitter("verifier", "c1", "it", new Topics(), CODEC, Clock.systemUTC());
            try (KafkaProducer<String, byte[]> producer = clients(kafka).transactionalProducer(
                    kafka.uniqueName("it-verifier"), 30_000)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 2; i++) {
                    producer.send(verifier.chainStart(new Outbound(topics.verifications(), KEY,
                            verified(KEY, IMAGE, ROCM_GFX90A))));
                }
                producer.commitTransaction();
            }

            await().atMost(WAIT).until(() -> stage.failure().isPresent()
                    || audits(kafka, topics).stream().filter(a -> KEY.equals(a.getResourceKey())).count() >= 2);
            assertThat(audits(kafka, topics)).filteredOn(a -> KEY.equals(a.getResourceKey()))
                    .extracting(AuditEvent::getOutcome)
                    .containsExactly(DispatchHandler.DISPATCHED, DispatchHandler.UNCHANGED);
            assertThat(jobs(kafka, topics, "gpu-a", 1, stage)).singleElement()
                    .satisfies(j -> assertThat(j.getAction()).isEqualTo(JobAction.INSTALL));
        }
    }

    @Test
    void aViewThatStoppedHoldsTheRecordsBackInsteadOfDeadLetteringThemAndTheStageReportsItsReason(
            KafkaCluster kafka) throws InterruptedException {
        Topics topics = new Topics(kafka.uniqueName("d") + ".", 2, (short) 1);
        new TopicAdmin(kafka.admin()).create(topics.pipelineTopics().stream()
                .filter(t -> !t.name().equals(topics.dispatcherState())).toList());
        KafkaClientFactory clients = clients(kafka);
        DispatchViews views = DispatchViews.start(clients, topics, "it-1");
        await().atMost(WAIT).until(() -> views.failure().isPresent());
        report(kafka, topics, node("c1", "gpu-a", gpu("hip", "gfx90a", 64)));
        send(kafka, "verifier", topics.verifications(), KEY, verified(KEY, IMAGE, ROCM_GFX90A));
        send(kafka, "ingest", topics.resources(), KEY, deleted(KEY, "team-a", "vector-add"));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StageSpec spec = new StageSpec(DispatchHandler.STAGE, "c1", "it-1", DispatchHandler.inputs(topics));
        try (DispatcherStage stage = DispatcherStage.start(spec, timing(), clients, topics, registry,
                new CacheLayout(Path.of(CacheLayout.DEFAULT_ROOT)), views)) {
            await().atMost(WAIT).until(() -> !read(kafka, topics.dlq()).isEmpty()
                    || registry.counter("gkm.stage.transactions.aborted", "stage", DispatchHandler.STAGE).count() >= 3);

            assertThat(read(kafka, topics.dlq())).as("nothing dead-lettered").isEmpty();
            assertThat(kafka.admin().listConsumerGroupOffsets(topics.prefix() + DispatchHandler.STAGE)
                    .partitionsToOffsetAndMetadata().get().values()).as("nothing committed, so nothing lost")
                    .allSatisfy(o -> assertThat(o).isNull());
            assertThat(stage.failure()).get().extracting(Throwable::getMessage).asString()
                    .contains("view of " + topics.dispatcherState() + " stopped",
                            "does not exist; create it: gkm topics create");
            assertThatThrownBy(stage::throwIfFailed).hasMessageContaining("does not exist; create it");
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until the dispatcher's group has committed {@code topic} to its end. */
    private static void awaitConsumed(KafkaCluster kafka, Topics topics, String topic) {
        String group = topics.prefix() + DispatchHandler.STAGE;
        await().atMost(WAIT).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> end = new HashMap<>();
            for (int p = 0; p < topics.partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                end.put(tp, kafka.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get()
                        .offset());
            }
            return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || committed.containsKey(e.getKey())
                    && committed.get(e.getKey()).offset() >= e.getValue());
        });
    }

    @Test
    void undecodableRecordsGoToTheDlqOrAreSkippedByTheNodeViewAndTheStageGoesOn(KafkaCluster kafka)
            throws InterruptedException {
        Topics topics = topics(kafka);
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        send(kafka, new ProducerRecord<>(topics.nodes(), null, "c1/broken", garbage, new RecordHeaders()));
        report(kafka, topics, node("c1", "gpu-a", gpu("hip", "gfx90a", 64)));

        try (DispatcherStage stage = start(kafka, topics, "it-1")) {
            assertThat(stage.skippedByViews()).as("the node view skipped the broken report and read on").isEqualTo(1);
            awaitAudits(kafka, topics, DispatchHandler.NOTHING_TO_DISPATCH, 1);
            send(kafka, new ProducerRecord<>(topics.verifications(), null, KEY, garbage, new RecordHeaders()));
            send(kafka, "verifier", topics.verifications(), KEY, verified(KEY, IMAGE, ROCM_GFX90A));

            assertThat(jobs(kafka, topics, "gpu-a", 1, stage)).hasSize(1);
            await().atMost(WAIT).until(() -> read(kafka, topics.dlq()).size() == 2);
            List<DeadLetter> letters = read(kafka, topics.dlq()).stream()
                    .map(r -> CODEC.decode(r.topic(), r.value(), DeadLetter.class)).toList();
            assertThat(letters).extracting(DeadLetter::getOriginalTopic)
                    .containsExactlyInAnyOrder(topics.nodes(), topics.verifications());
            assertThat(letters).allSatisfy(l -> assertThat(l.getStage()).isEqualTo("dispatcher"));
            assertThat(audits(kafka, topics)).extracting(AuditEvent::getOutcome).contains("DEAD_LETTERED");
        }
    }

    @Test
    void installResultsBecomeTheStatusOfTheNodesObjects(KafkaCluster kafka) throws InterruptedException {
        Topics topics = topics(kafka);
        String clusterKey = "c1/_cluster/ClusterGKMCache/flash-attn";
        send(kafka, "node-consumer", topics.installResults(), KEY,
                result(InstallOutcome.INSTALLED, KEY, "gpu-a", null));
        send(kafka, "node-consumer", topics.installResults(), clusterKey,
                result(InstallOutcome.FAILED, clusterKey, "gpu-a", "layer digest mismatch"));
        send(kafka, new ProducerRecord<>(topics.installResults(), null, KEY, "x".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders()));
        String otherKey = "c2/team-a/GKMCache/vector-add";
        send(kafka, "node-consumer", topics.installResults(), otherKey,
                InstallResult.newBuilder(result(InstallOutcome.INSTALLED, otherKey, "gpu-x", null)).setCluster("c2")
                        .build());

        StageSpec spec = new StageSpec(StatusHandler.STAGE, "c1", "it-1", StatusHandler.inputs(topics));
        try (StageLoop status = DispatcherStage.startStatus(spec, timing(), clients(kafka), topics, client,
                new SimpleMeterRegistry())) {
            await().atMost(WAIT).until(() -> status.failure().isPresent()
                    || audits(kafka, topics).size() == 4 && read(kafka, topics.dlq()).size() == 1);
            assertThat(status.failure()).isEmpty();
        }

        GKMCacheNode node = client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get();
        assertThat(node.getStatus().getCaches().get("vector-add").get(DIGEST).getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getType()).isEqualTo("Extracted"));
        ClusterGKMCacheNode clusterNode = client.resources(ClusterGKMCacheNode.class).withName("gpu-a").get();
        assertThat(clusterNode.getStatus().getCaches().get("flash-attn").get(DIGEST).getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo("extraction failed: layer digest mismatch"));
        assertThat(audits(kafka, topics)).filteredOn(a -> a.getStage().equals(StatusHandler.STAGE))
                .extracting(AuditEvent::getOutcome)
                .containsExactlyInAnyOrder("CREATED", "CREATED", "DEAD_LETTERED", StatusHandler.OTHER_CLUSTER);
        assertThat(client.resources(GKMCacheNode.class).inAnyNamespace().list().getItems())
                .as("nothing written for another cluster's node").extracting(n -> n.getMetadata().getName())
                .containsExactly("gpu-a");
    }

    private static void awaitAudits(KafkaCluster kafka, Topics topics, String outcome, int count) {
        await().atMost(WAIT).until(() -> audits(kafka, topics).stream().filter(a -> a.getOutcome().equals(outcome))
                .count() == count);
    }

    private static InstallResult result(InstallOutcome outcome, String key, String node, String error) {
        return InstallResult.newBuilder()
                .setOutcome(outcome).setJobId("job-1").setAttempt(1).setResourceKey(key).setCluster("c1")
                .setNode(node).setDigest(DIGEST).setBytes(4096).setFiles(3).setDurationMillis(80).setError(error)
                .setFinishedAt(Instant.now()).build();
    }
}
