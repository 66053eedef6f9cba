package io.gkm.ingest.watch;

import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.TopicSpec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.ResourceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted topic {@code <prefix>ingest.watch-state} ({@link Topics#ingestWatchState()}): per
 * resource key, the last ResourceEvent the watches published, or a tombstone once the resource is
 * deleted (see the package doc).
 */
public final class WatchStateTopic {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStateTopic.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private WatchStateTopic() {
    }

    /** Its settings, as {@code gkm topics create} makes it (compacted, partitioned like the resource topics). */
    public static TopicSpec spec(Topics topics) {
        return topics.pipelineTopics().stream().filter(t -> t.name().equals(topics.ingestWatchState())).findFirst()
                .orElseThrow();
    }

    /**
     * Reads the topic to its end with {@code consumer} (read_committed, not in a group): the last
     * published event of every live resource of {@code cluster}. Records that cannot be decoded
     * are skipped with a warning; their resources are re-published as ADDED.
     */
    public static Map<String, ResourceEvent> read(KafkaConsumer<byte[], byte[]> consumer, String topic, String cluster) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; create it (gkm topics create) "
                    + "before starting the watches");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
        Map<String, ResourceEvent> state = new HashMap<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end " + end + " within "
                        + READ_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (!ofCluster(key, cluster)) {
                    continue;
                }
                if (r.value() == null) {
                    state.remove(key);
                    continue;
                }
                try {
                    state.put(key, EventCodec.INSTANCE.decode(topic, r.value(), ResourceEvent.class));
                } catch (UndecodableRecordException e) {
                    LOG.warn("skipping watch state of {} at {}-{}@{}: {}", key, r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                }
            }
        }
        return state;
    }

    /** The topic may be shared by the ingests of several clusters. */
    private static boolean ofCluster(String key, String cluster) {
        try {
            return key != null && ResourceKey.parse(key).cluster().equals(cluster);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
