package io.gkm.dispatcher.view;

import static io.gkm.dispatcher.routing.Events.gpu;
import static io.gkm.dispatcher.routing.Events.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A compacted topic's view on the real broker: caught up, brought up to date on request, robust to bad records. */
@WithKafka
class CompactedTopicViewIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String topic(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("view-nodes");
        kafka.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
        return topic;
    }

    private static CompactedTopicView<NodeInventory> view(KafkaCluster kafka, String topic) {
        return CompactedTopicView.start(new KafkaClientFactory(kafka.bootstrapServers(), Map.of()),
                kafka.uniqueName("it-view"), topic, EventCodec.INSTANCE, DispatchViews::node, false);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static byte[] report(String topic, NodeInventory n) {
        Emitter nodeConsumer = new Emitter("node-consumer", "c1", "n", new Topics(), EventCodec.INSTANCE,
                Clock.systemUTC());
        return nodeConsumer.chainStart(new Outbound(topic, n.getCluster() + "/" + n.getNode(), n)).value();
    }

    @Test
    void aRequestedUpdateHoldsEveryRecordWrittenBeforeIt(KafkaCluster kafka) throws Exception {
        String topic = topic(kafka);
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("it-nodes");
             CompactedTopicView<NodeInventory> view = view(kafka, topic)) {
            assertThat(view.awaitCaughtUp(WAIT)).isTrue();
            for (int i = 0; i < 20; i++) {
                send(producer, topic, "c1/gpu-" + i, report(topic, node("c1", "gpu-" + i, gpu("hip", "gfx90a", 64))));

                assertThat(view.await(view.requestCurrent(), WAIT)).isTrue();
                assertThat(view.get("c1/gpu-" + i)).as("report %d, read before the answer", i).isPresent();
            }
        }
    }

    @Test
    void aRequestPastOpenTransactionsWaitsForTheOneOpenWhenServedAndThenHoldsItsRecords(KafkaCluster kafka)
            throws Exception {
        String topic = topic(kafka);
        KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
        try (KafkaProducer<String, byte[]> producer = clients.transactionalProducer(kafka.uniqueName("it-tx"), 30_000);
             CompactedTopicView<NodeInventory> view = CompactedTopicView.start(clients, kafka.uniqueName("it-view"),
                     topic, EventCodec.INSTANCE, DispatchViews::node, true)) {
            assertThat(view.awaitCaughtUp(WAIT)).isTrue();
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c1/gpu-a",
                    report(topic, node("c1", "gpu-a", gpu("hip", "gfx90a", 64))))).get();

            CompletableFuture<Void> request = view.requestCurrent();
            assertThat(view.await(request, Duration.ofSeconds(1))).as("waits while the transaction is open").isFalse();
            producer.commitTransaction();

            assertThat(view.await(request, WAIT)).isTrue();
            assertThat(view.get("c1/gpu-a")).isPresent();
        }
    }

    @Test
    void aStartedViewHoldsTheLatestValuePerKeyAndSkipsWhatItCannotDecode(KafkaCluster kafka) throws Exception {
        String topic = topic(kafka);
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("it-nodes")) {
            send(producer, topic, "c1/gpu-a", report(topic, node("c1", "gpu-a", gpu("hip", "gfx942", 64))));
            send(producer, topic, "c1/gpu-a", report(topic, node("c1", "gpu-a", gpu("hip", "gfx90a", 64))));
            send(producer, topic, "c1/gpu-a", "not avro".getBytes(StandardCharsets.UTF_8));
            send(producer, topic, "c1/gpu-b", report(topic, node("c1", "gpu-b", gpu("hip", "gfx90a", 64))));
            send(producer, topic, "c1/gpu-b", null);

            try (CompactedTopicView<NodeInventory> view = view(kafka, topic)) {
                assertThat(view.awaitCaughtUp(WAIT)).isTrue();

                assertThat(view.get("c1/gpu-a")).hasValueSatisfying(n -> assertThat(n.getGpus().get(0).getArch())
                        .as("the undecodable record left the value before it").isEqualTo("gfx90a"));
                assertThat(view.get("c1/gpu-b")).as("a tombstone forgets the node").isEmpty();
                assertThat(view.skipped()).isEqualTo(1);
            }
        }
    }

    @Test
    void aViewOfATopicThatDoesNotExistFailsWithTheReason(KafkaCluster kafka) throws Exception {
        try (CompactedTopicView<NodeInventory> view = view(kafka, kafka.uniqueTopic("missing"))) {
            assertThatThrownBy(() -> view.awaitCaughtUp(WAIT)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not exist; create it: gkm topics create");
        }
    }

    @Test
    void aRequestToAClosedViewFailsInsteadOfWaiting(KafkaCluster kafka) throws Exception {
        CompactedTopicView<NodeInventory> view = view(kafka, topic(kafka));
        assertThat(view.awaitCaughtUp(WAIT)).isTrue();
        CompletableFuture<Void> request = view.requestCurrent();
        view.close();
        CompletableFuture<Void> late = view.requestCurrent();

        await().atMost(WAIT).until(request::isDone); // served or failed by the close, never left waiting
        assertThatThrownBy(() -> view.await(late, WAIT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
