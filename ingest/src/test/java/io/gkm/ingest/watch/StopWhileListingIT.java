package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stop while the watches list the cluster (an API server slow to answer: fabric8's mock server in
 * CRUD mode, its ClusterGKMCache list held back for minutes) is prompt: before, closing waited up to
 * 60 s for the start to finish, holding a SIGTERMed ingest.
 */
@WithKafka
@EnableKubernetesMockClient(crud = true)
class StopWhileListingIT {
    private static final String CLUSTER = "test";
    private static final String CLUSTER_CACHES = "/apis/gkm.io/v1alpha1/clustergkmcaches";
    /** Far beyond any bound below, so a stop that waited for the list would fail. */
    private static final long LIST_DELAY_MINUTES = 3;
    /** Generous against a busy machine, and well below the 60 s a stop could take before. */
    private static final Duration PROMPT = Duration.ofSeconds(10);

    KubernetesClient client;
    KubernetesMockServer server;

    private KafkaCluster kafka;
    private Topics topics;

    @BeforeEach
    void holdBackTheClusterList(KafkaCluster kafka) {
        this.kafka = kafka;
        topics = new Topics(kafka.uniqueName("stop") + ".", 3, (short) 1);
        kafka.createTopics(3, topics.resources());
        server.expect().get().delay(LIST_DELAY_MINUTES, TimeUnit.MINUTES).withPath(CLUSTER_CACHES + "?resourceVersion=0")
                .andReturn(200, Map.of("apiVersion", "gkm.io/v1alpha1", "kind", "ClusterGKMCacheList",
                        "metadata", Map.of("resourceVersion", "1"), "items", List.of()))
                .always();
    }

    private ResourceWatches startWatches() {
        KafkaClientFactory factory = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
        Emitter emitter = new Emitter("ingest", CLUSTER, "a", topics, EventCodec.INSTANCE, Clock.systemUTC());
        return ResourceWatches.start(client, factory, emitter, new ResourceWatches.Settings(
                new WatchScope(CLUSTER, Set.of()), topics, Duration.ofSeconds(30), Duration.ofMillis(200)),
                Clock.systemUTC());
    }

    /** Waits until the API server has been asked for the ClusterGKMCache list (the last step of a start). */
    private void awaitClusterList() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
            if (request != null && request.getPath().startsWith(CLUSTER_CACHES) && !request.getPath().contains("watch=")) {
                return;
            }
        }
        throw new AssertionError("the watches never listed " + CLUSTER_CACHES);
    }

    @Test
    void closingTheLeaderWhileItsWatchesListTheClusterReturnsWithinSecondsWithoutAFailure() throws Exception {
        LeaderElectedWatches watches = LeaderElectedWatches.start(client,
                new LeaderElectedWatches.Election("gkm-ingest-watch", "gkm-system", "a", Duration.ofSeconds(4),
                        Duration.ofSeconds(3), Duration.ofMillis(500)),
                this::startWatches);
        awaitClusterList();
        assertThat(watches.leading()).as("still starting: the list is held back").isFalse();

        long start = System.nanoTime();
        watches.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(PROMPT);
        assertThat(watches.leading()).isFalse();
        assertThat(watches.failure()).as("a stop is no failure").isEmpty();
    }

    @Test
    void interruptingAStartWhileItListsTheClusterEndsItWithinSecondsSayingWhy() throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                startWatches().close();
            } catch (RuntimeException e) {
                failed.set(e);
            }
        }, "starting-watches");
        starter.start();
        awaitClusterList();

        starter.interrupt();
        starter.join(PROMPT.toMillis());

        assertThat(starter.isAlive()).as("the start still waits for the list").isFalse();
        assertThat(failed.get()).isInstanceOf(IllegalStateException.class)
                .hasMessage("stopped while listing the cluster's caches")
                .hasCauseInstanceOf(InterruptedException.class);
    }
}
