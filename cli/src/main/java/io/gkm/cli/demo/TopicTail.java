package io.gkm.cli.demo;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one topic from its beginning, outside any consumer group, seeing committed records only
 * (what the next stage sees), decoding each as {@code type}: how the demo shows what each stage
 * wrote, as it appears.
 */
final class TopicTail<T extends SpecificRecord> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Class<T> type;
    private final List<T> seen = new ArrayList<>();

    TopicTail(KafkaClientFactory kafka, String topic, Class<T> type) {
        Map<String, Object> p = new HashMap<>(kafka.commonProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "gkm-demo-" + topic);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.type = type;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Hands each new record to {@code each} until what was seen so far satisfies {@code enough},
     * or {@code timeout} passes.
     *
     * @return whether {@code enough} was satisfied
     */
    boolean follow(Consumer<T> each, Predicate<List<T>> enough, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!enough.test(seen)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                T event = EventCodec.INSTANCE.decode(topic, record.value(), type);
                seen.add(event);
                each.accept(event);
            }
        }
        return true;
    }

    /**
     * Reads to the end as it is now (for {@code read_committed}, the last stable offset: all that
     * is decided), handing each new record to {@code each}.
     *
     * @return false when the end was not reached within {@code timeout}
     */
    boolean catchUp(Consumer<T> each, Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        return follow(each, seen -> end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                timeout);
    }

    /** Everything seen so far, in the order seen. */
    List<T> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
