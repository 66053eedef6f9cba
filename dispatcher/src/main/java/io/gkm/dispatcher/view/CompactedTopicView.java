package io.gkm.dispatcher.view;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value per key of one compacted topic, read in full by every instance (all
 * partitions assigned, no consumer group, {@code read_committed}) on a thread of its own and
 * kept up to date. Each instance needs every key, which a consumer group would split between
 * instances.
 *
 * <p>A record that cannot be decoded is logged with its offset and skipped: the view goes on,
 * and the record keeps the value its key had before. (The DLQ belongs to the stage loop, which
 * reads the same records as a stage input where it needs them.)
 *
 * @param <V> the value kept per key
 */
public final class CompactedTopicView<V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicView.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final EventCodec codec;
    private final BiFunction<String, SpecificRecord, Optional<V>> valueOf;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicLong skipped = new AtomicLong();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closing;

    /**
     * Starts reading {@code topic} from its beginning.
     *
     * @param valueOf the value a key takes from a decoded event, or from {@code null} (a tombstone);
     *     empty removes the key
     */
    public static <V> CompactedTopicView<V> start(KafkaClientFactory kafka, String clientId, String topic,
            EventCodec codec, BiFunction<String, SpecificRecord, Optional<V>> valueOf) {
        CompactedTopicView<V> view = new CompactedTopicView<>(kafka, clientId, topic, codec, valueOf);
        Thread t = new Thread(view::run, "gkm-view-" + topic);
        t.setDaemon(true);
        t.start();
        return view;
    }

    private CompactedTopicView(KafkaClientFactory kafka, String clientId, String topic, EventCodec codec,
            BiFunction<String, SpecificRecord, Optional<V>> valueOf) {
        this.topic = topic;
        this.codec = codec;
        this.valueOf = valueOf;
        Map<String, Object> p = new HashMap<>(kafka.commonProperties());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void run() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; create it: gkm topics create");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0 && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            if (!closing) {
                failure.set(new IllegalStateException("view of " + topic + " stopped: " + e.getMessage(), e));
            }
        } finally {
            consumer.close(Duration.ZERO);
            stopped.countDown();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            skip(r, "no key");
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        SpecificRecord event;
        try {
            event = r.value() == null ? null : codec.decode(r.topic(), r.value());
        } catch (RuntimeException e) {
            skip(r, e.getMessage());
            return;
        }
        Optional<V> value = valueOf.apply(key, event);
        if (value.isPresent()) {
            values.put(key, value.get());
        } else {
            values.remove(key);
        }
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, String why) {
        skipped.incrementAndGet();
        LOG.warn("view of {}: record at partition {} offset {} skipped, its key keeps its earlier value: {}",
                r.topic(), r.partition(), r.offset(), why);
    }

    /**
     * Waits until the view holds everything the topic held when it started.
     *
     * @return false when {@code timeout} passed first
     * @throws IllegalStateException when the view stopped on an error
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            throwIfFailed();
            if (caughtUp.await(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                    TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** @throws IllegalStateException when the view stopped on an error */
    public void throwIfFailed() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure.get());
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A copy of the values as they are now. */
    public Map<String, V> snapshot() {
        return Map.copyOf(values);
    }

    /** Records skipped because they could not be decoded or had no key. */
    public long skipped() {
        return skipped.get();
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        stopped.await(10, TimeUnit.SECONDS);
    }
}
