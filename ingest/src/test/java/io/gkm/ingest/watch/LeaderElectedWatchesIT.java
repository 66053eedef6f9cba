package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.ingest.model.ClusterGKMCache;
import io.gkm.ingest.model.GKMCache;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two ingest replicas (their own Kubernetes clients, instances {@code a} and {@code b}) elect the
 * publisher of the watches with a Lease on one fabric8 mock API server (CRUD mode), publishing to a
 * real broker: one publishes; when it stops or loses the Lease the other takes over, and every
 * change is published exactly once, by whoever led when it happened.
 */
@WithKafka
@EnableKubernetesMockClient(crud = true)
class LeaderElectedWatchesIT {
    private static final String CLUSTER = "test";
    private static final String NAMESPACE = "gkm-system";
    private static final String LEASE = "gkm-ingest-watch";
    /** Short, so that a lost Lease changes hands within a test; generous against a busy machine all the same. */
    private static final Duration LEASE_DURATION = Duration.ofSeconds(4);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    private static final Duration RETRY_PERIOD = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(45);

    KubernetesClient client;

    private KafkaCluster kafka;
    private Topics topics;
    private final List<KubernetesClient> podClients = new ArrayList<>();
    private final List<LeaderElectedWatches> replicas = new ArrayList<>();

    @BeforeEach
    void createTopics(KafkaCluster kafka) {
        this.kafka = kafka;
        topics = new Topics(kafka.uniqueName("leader") + ".", 3, (short) 1);
        kafka.createTopics(3, topics.resources());
    }

    @AfterEach
    void stop() {
        replicas.forEach(LeaderElectedWatches::close);
        podClients.forEach(KubernetesClient::close);
    }

    /** One ingest replica as a pod runs it: its own API client, its instance as its Lease identity. */
    private LeaderElectedWatches replica(String instance) {
        KubernetesClient own = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        podClients.add(own);
        KafkaClientFactory factory = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
        Emitter emitter = new Emitter("ingest", CLUSTER, instance, topics, EventCodec.INSTANCE, Clock.systemUTC());
        ResourceWatches.Settings settings = new ResourceWatches.Settings(new WatchScope(CLUSTER, Set.of()), topics,
                Duration.ofSeconds(30), Duration.ofMillis(200));
        LeaderElectedWatches replica = LeaderElectedWatches.start(own,
                new LeaderElectedWatches.Election(LEASE, NAMESPACE, instance, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD),
                () -> ResourceWatches.start(own, factory, emitter, settings, Clock.systemUTC()));
        replicas.add(replica);
        return replica;
    }

    private <T> T example(String example, Class<T> type) throws Exception {
        try (InputStream in = Files.newInputStream(Fixtures.path("gkm/examples/" + example))) {
            return client.getKubernetesSerialization().unmarshal(in, type);
        }
    }

    /** A published event and the instance that published it (from its CloudEvents source). */
    private record Published(String instance, ResourceEvent event) {
    }

    private List<Published> published(String key) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.resources());
        return records.stream().map(r -> {
            String source = new String(r.headers().lastHeader(CloudEventHeaders.SOURCE).value(), StandardCharsets.UTF_8);
            return new Published(source.substring(source.lastIndexOf('/') + 1),
                    EventCodec.INSTANCE.decode(r.topic(), r.value(), ResourceEvent.class));
        }).filter(p -> p.event().getResourceKey().equals(key)).toList();
    }

    private static LeaderElectedWatches leaderOf(LeaderElectedWatches a, LeaderElectedWatches b) {
        await().atMost(WAIT).until(() -> a.leading() || b.leading());
        return a.leading() ? a : b;
    }

    private Lease lease() {
        return client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    }

    private static final String KEY_1 = "test/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1";
    private static final String KEY_2 = "test/gkm-test-ns-scoped-2/GKMCache/vector-add-cache-rocm-2";
    private static final String KEY_3 = "test/_cluster/ClusterGKMCache/vector-add-cache-rocm";

    @Test
    void oneReplicaPublishesAndWhenItStopsTheOtherTakesOverWithoutLosingOrRepeatingAnEvent() throws Exception {
        LeaderElectedWatches a = replica("a");
        LeaderElectedWatches b = replica("b");
        LeaderElectedWatches leader = leaderOf(a, b);
        LeaderElectedWatches follower = leader == a ? b : a;
        String leaderName = leader == a ? "a" : "b";
        String followerName = leader == a ? "b" : "a";

        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();
        await().atMost(WAIT).until(() -> published(KEY_1).size() == 1);
        assertThat(follower.leading()).isFalse();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leaderName);

        leader.close();
        // Made while the Lease changes hands: the new leader finds it when it lists the cluster.
        client.resource(example("namespace/21-gkmcache.yaml", GKMCache.class)).create();
        await().atMost(WAIT).until(follower::leading);
        client.resource(example("cluster/11-clustergkmcache.yaml", ClusterGKMCache.class)).create();
        await().atMost(WAIT).until(() -> published(KEY_3).size() == 1);

        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(followerName);
        assertThat(published(KEY_1)).extracting(Published::instance).containsExactly(leaderName);
        assertThat(published(KEY_2)).extracting(Published::instance).containsExactly(followerName);
        assertThat(published(KEY_3)).extracting(Published::instance).containsExactly(followerName);
        assertThat(Stream.of(KEY_1, KEY_2, KEY_3).flatMap(k -> published(k).stream()))
                .extracting(p -> p.event().getChangeType()).containsOnly(ChangeType.ADDED);
        assertThat(follower.failure()).isEmpty();
    }

    @Test
    void aLeaderWhoseLeaseIsTakenStopsItsWatchesAndTheReplicasRunForTheLeaseAgain() throws Exception {
        LeaderElectedWatches a = replica("a");
        LeaderElectedWatches b = replica("b");
        LeaderElectedWatches leader = leaderOf(a, b);

        // Another holder, as after a partition that kept the leader from renewing: it never renews. Its
        // write, like the elector's, holds the version it read, so it is retried when a renewal came first.
        await().atMost(WAIT).ignoreExceptionsInstanceOf(KubernetesClientException.class).untilAsserted(() ->
                client.leases().inNamespace(NAMESPACE).withName(LEASE).edit(l -> {
                    l.getSpec().setHolderIdentity("elsewhere");
                    l.getSpec().setRenewTime(ZonedDateTime.now());
                    return l;
                }));

        await().atMost(WAIT).until(() -> !leader.leading());
        LeaderElectedWatches next = leaderOf(a, b);
        String nextName = next == a ? "a" : "b";
        client.resource(example("namespace/11-gkmcache.yaml", GKMCache.class)).create();
        await().atMost(WAIT).until(() -> published(KEY_1).size() == 1);
        client.resource(example("namespace/21-gkmcache.yaml", GKMCache.class)).create();
        await().atMost(WAIT).until(() -> published(KEY_2).size() == 1);

        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(nextName);
        assertThat(published(KEY_1)).extracting(Published::instance).containsExactly(nextName);
        assertThat(a.failure()).isEmpty();
        assertThat(b.failure()).isEmpty();
    }
}
