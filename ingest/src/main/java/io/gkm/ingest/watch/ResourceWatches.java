package io.gkm.ingest.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageFailedException;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ResourceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The running watches: informers feeding one transactional publisher. Start-up order matters for
 * "no lost deletes": fence any older publisher of this cluster ({@code initTransactions}), then
 * read the watch state it left, then list the cluster and compare.
 */
public final class ResourceWatches implements Watches {
    private final CacheWatch watch;
    private final ResourcePublisher publisher;

    private ResourceWatches(CacheWatch watch, ResourcePublisher publisher) {
        this.watch = watch;
        this.publisher = publisher;
    }

    /** How the watches publish. */
    public record Settings(WatchScope scope, Topics topics, Duration transactionTimeout, Duration retryBackoff) {
    }

    public static ResourceWatches start(KubernetesClient kubernetes, KafkaClientFactory kafka, Emitter emitter,
                                        Settings settings, Clock clock) {
        Topics topics = settings.topics();
        String stateTopic = topics.ingestWatchState();
        try (Admin admin = kafka.admin("gkm-ingest-watch-admin")) {
            new TopicAdmin(admin).create(List.of(WatchStateTopic.spec(topics)));
        }
        // One transactional id per cluster, not per instance: this initTransactions fences whoever published
        // before, so an ingest that lost the Lease without noticing yet (paused, cut off from the API server)
        // can no longer commit a watch event. That is the zombie protection under leader election.
        KafkaProducer<String, byte[]> producer = kafka.transactionalProducer(
                "gkm-ingest-watch-" + settings.scope().cluster(), (int) settings.transactionTimeout().toMillis());
        ResourcePublisher publisher;
        try {
            producer.initTransactions();
            Map<String, ResourceEvent> published;
            try (KafkaConsumer<byte[], byte[]> consumer = stateReader(kafka)) {
                published = WatchStateTopic.read(consumer, stateTopic, settings.scope().cluster());
            }
            publisher = new ResourcePublisher(producer, emitter, topics, new PublishedState(settings.scope(), published),
                    clock, settings.retryBackoff());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        try {
            return new ResourceWatches(CacheWatch.start(kubernetes, settings.scope(), publisher::accept), publisher);
        } catch (RuntimeException e) {
            try {
                publisher.close(Duration.ZERO);
            } catch (RuntimeException closing) {
                // an interrupted start (ingest stopping) also interrupts closing the producer: keep why it failed
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** A consumer outside any group that sees only committed watch state. */
    private static KafkaConsumer<byte[], byte[]> stateReader(KafkaClientFactory kafka) {
        Map<String, Object> p = new HashMap<>(kafka.commonProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "gkm-ingest-watch-state-reader");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Optional<StageFailedException> failure() {
        return publisher.failure();
    }

    /** Stops the informers, publishes what they reported, closes the producer. */
    @Override
    public void close() {
        watch.close();
        publisher.close();
    }
}
