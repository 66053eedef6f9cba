package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.ingest.model.ClusterGKMCache;
import io.gkm.ingest.model.GKMCache;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watches against fabric8's mock API server (CRUD mode) and a real broker: GKM's example caches
 * created, updated and deleted appear on {@code gkm.resources} in order, and what changed while
 * ingest was stopped (deletes included) appears after it restarts.
 */
@WithKafka
@EnableKubernetesMockClient(crud = true)
class ResourceWatchesIT {
    private static final String CLUSTER = "test";

    KubernetesClient client;

    private KafkaCluster kafka;
    private Topics topics;
    private ResourceWatches watches;

    @BeforeEach
    void createTopics(KafkaCluster kafka) {
        this.kafka = kafka;
        topics = new Topics(kafka.uniqueName("watch") + ".", 3, (short) 1);
        kafka.createTopics(3, topics.resources());
    }

    @AfterEach
    void stop() {
        if (watches != null) {
            watches.close();
        }
    }

    private ResourceWatches start(Set<String> namespaces) {
        KafkaClientFactory factory = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
        Emitter emitter = new Emitter("ingest", CLUSTER, "it", topics, EventCodec.INSTANCE, Clock.systemUTC());
        return ResourceWatches.start(client, factory, emitter, new ResourceWatches.Settings(
                new WatchScope(CLUSTER, namespaces), topics, Duration.ofSeconds(30), Duration.ofMillis(200)), Clock.systemUTC());
    }

    private <T> T example(String example, Class<T> type) throws Exception {
        try (InputStream in = Files.newInputStream(Fixtures.path("gkm/examples/" + example))) {
            return client.getKubernetesSerialization().unmarshal(in, type);
        }
    }

    private List<ResourceEvent> events() {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.resources()).stream()
                .map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), ResourceEvent.class)).toList();
    }

    private List<ResourceEvent> eventsOf(String key) {
        return events().stream().filter(e -> e.getResourceKey().equals(key)).toList();
    }

    private static List<ChangeType> types(List<ResourceEvent> events) {
        return events.stream().map(ResourceEvent::getChangeType).toList();
    }

    @Test
    void createUpdateAndDeleteAppearInOrderKeyedByResource() throws Exception {
        watches = start(Set.of());
        GKMCache cache = example("namespace/11-gkmcache.yaml", GKMCache.class);
        String key = "test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1";

        client.resource(cache).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 1);
        GKMCache stored = client.resources(GKMCache.class).inNamespace("gkm-test-ns-scoped-1")
                .withName("vector-add-cache-rocm-1").get();
        stored.getMetadata().getAnnotations().put("gkm.io/resolvedDigest", "sha256:" + "a".repeat(64));
        client.resource(stored).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 2);
        client.resource(stored).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 3);

        List<ResourceEvent> events = eventsOf(key);
        assertThat(types(events)).containsExactly(ChangeType.ADDED, ChangeType.MODIFIED, ChangeType.DELETED);
        assertThat(events.get(0).getSpec()).isEqualTo("{\"image\":\"quay.io/gkm/cache-examples:vector-add-cache-rocm\"}");
        assertThat(events.get(0).getLabels()).containsEntry("gkm.io/signature-format", "cosign-v2");
        assertThat(events.get(0).getNamespace()).isEqualTo("gkm-test-ns-scoped-1");
        assertThat(events.get(1).getAnnotations()).containsEntry("gkm.io/resolvedDigest", "sha256:" + "a".repeat(64));
        assertThat(events.get(1).getResourceVersion()).isNotEqualTo(events.get(0).getResourceVersion());
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.resources());
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
    }

    @Test
    void aClusterGkmCacheIsWatchedToo() throws Exception {
        watches = start(Set.of());

        client.resource(example("cluster/11-clustergkmcache.yaml", ClusterGKMCache.class)).create();

        String key = "test/_cluster/ClusterGKMCache/vector-add-cache-rocm";
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 1);
        assertThat(eventsOf(key).get(0).getNamespace()).isNull();
        assertThat(eventsOf(key).get(0).getKind()).isEqualTo("ClusterGKMCache");
    }

    @Test
    void whatChangedWhileIngestWasStoppedAppearsAfterRestartDeletesIncluded() throws Exception {
        watches = start(Set.of());
        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();
        client.resource(example("namespace/12-gkmcache-cosign-v3.yaml", GKMCache.class)).create();
        client.resource(example("namespace/21-gkmcache.yaml", GKMCache.class)).create();
        client.resource(example("cluster/11-clustergkmcache.yaml", ClusterGKMCache.class)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().size() == 4);
        watches.close();

        client.resources(GKMCache.class).inNamespace("gkm-test-ns-scoped-1").withName("vector-add-cache-rocm-1").delete();
        client.resources(ClusterGKMCache.class).withName("vector-add-cache-rocm").delete();
        GKMCache relabelled = client.resources(GKMCache.class).inNamespace("gkm-test-ns-scoped-2")
                .withName("vector-add-cache-rocm-2").get();
        relabelled.getMetadata().setLabels(Map.of("gkm.io/signature-format", "cosign-v3"));
        client.resource(relabelled).update();
        Instant restart = Instant.now();
        watches = start(Set.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> events().size() == 7);
        // Partitions interleave on reading: what came after the restart is told by when it was observed.
        List<ResourceEvent> afterRestart = events().stream().filter(e -> !e.getObservedAt().isBefore(restart)).toList();
        assertThat(afterRestart).extracting(ResourceEvent::getResourceKey, ResourceEvent::getChangeType)
                .containsExactlyInAnyOrder(
                        tuple("test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1", ChangeType.DELETED),
                        tuple("test/_cluster/ClusterGKMCache/vector-add-cache-rocm", ChangeType.DELETED),
                        tuple("test/gkm-test-ns-scoped-2/GKMCache/vector-add-cache-rocm-2", ChangeType.MODIFIED));
        ResourceEvent deleted = eventsOf("test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1").get(1);
        assertThat(deleted.getSpec()).isEqualTo("{\"image\":\"quay.io/gkm/cache-examples:vector-add-cache-rocm\"}");
        Thread.sleep(500);
        assertThat(events()).as("the unchanged cache is not published again").hasSize(7);
        assertThat(watches.failure()).isEmpty();
    }

    @Test
    void namespacesOutsideTheScopeAreNeitherWatchedNorReportedDeleted() throws Exception {
        watches = start(Set.of());
        client.resource(example("namespace/21-gkmcache.yaml", GKMCache.class)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().size() == 1);
        watches.close();

        watches = start(Set.of("gkm-test-ns-scoped-1"));
        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> events().size() == 2);
        Thread.sleep(500);
        assertThat(events()).extracting(ResourceEvent::getResourceKey, ResourceEvent::getChangeType).containsExactlyInAnyOrder(
                tuple("test/gkm-test-ns-scoped-2/GKMCache/vector-add-cache-rocm-2", ChangeType.ADDED),
                tuple("test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1", ChangeType.ADDED));
    }

    @Test
    void aCacheRecreatedWhileStoppedIsDeletedThenAddedAgain() throws Exception {
        watches = start(Set.of());
        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();
        String key = "test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1";
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 1);
        watches.close();

        client.resources(GKMCache.class).inNamespace("gkm-test-ns-scoped-1").withName("vector-add-cache-rocm-1").delete();
        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();
        watches = start(Set.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(key).size() == 3);
        List<ResourceEvent> events = eventsOf(key);
        assertThat(types(events)).containsExactly(ChangeType.ADDED, ChangeType.DELETED, ChangeType.ADDED);
        assertThat(events.get(1).getUid()).isEqualTo(events.get(0).getUid());
        assertThat(events.get(2).getUid()).isNotEqualTo(events.get(0).getUid());
    }
}
