package io.gkm.dispatcher.view;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Kept up to date on its own, it may lag its topic by a poll; {@link #requestCurrent} brings it
 * up to the topic's end first, for a decision that must see everything committed before it.
 * Where that end lies, see {@link #start}.
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
    /** Done once the view holds what the topic held when the view started. */
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    /** Requests to reach the topic's end as it is when they are served; any thread adds, the reader takes. */
    private final Queue<CompletableFuture<Void>> requested = new ConcurrentLinkedQueue<>();
    /** Requests served, each with the end offsets it must reach; the reader thread's only. */
    private final List<Target> waiting = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicLong skipped = new AtomicLong();
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Where the end offsets a request must reach come from: the consumer itself, or one reading uncommitted. */
    private final KafkaConsumer<byte[], byte[]> ends;
    private volatile boolean closing;

    /**
     * Starts reading {@code topic} from its beginning.
     *
     * @param valueOf the value a key takes from a decoded event, or from {@code null} (a tombstone);
     *     empty removes the key
     * @param pastOpenTransactions whether a request waits for the topic's high watermark, past the
     *     transactions open when it is served, instead of its last stable offset. For a topic the
     *     reader writes itself: a transaction's commit returns before the broker has written its
     *     markers, so the last stable offset asked for right after may not cover it yet.
     */
    public static <V> CompactedTopicView<V> start(KafkaClientFactory kafka, String clientId, String topic,
            EventCodec codec, BiFunction<String, SpecificRecord, Optional<V>> valueOf, boolean pastOpenTransactions) {
        CompactedTopicView<V> view = new CompactedTopicView<>(kafka, clientId, topic, codec, valueOf,
                pastOpenTransactions);
        Thread t = new Thread(view::run, "gkm-view-" + topic);
        t.setDaemon(true);
        t.start();
        return view;
    }

    private CompactedTopicView(KafkaClientFactory kafka, String clientId, String topic, EventCodec codec,
            BiFunction<String, SpecificRecord, Optional<V>> valueOf, boolean pastOpenTransactions) {
        this.topic = topic;
        this.codec = codec;
        this.valueOf = valueOf;
        Map<String, Object> p = new HashMap<>(kafka.commonProperties());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        if (pastOpenTransactions) {
            // Asks for end offsets only, read_uncommitted: the high watermark.
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + ".end");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            this.ends = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } else {
            this.ends = consumer;
        }
    }

    private record Target(CompletableFuture<Void> done, Map<TopicPartition, Long> end) {
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
            requested.add(caughtUp);
            while (!closing) {
                try {
                    serve(partitions);
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        apply(r);
                    }
                    complete();
                } catch (WakeupException e) {
                    // a new request (served at the top of the loop), or close()
                }
            }
        } catch (RuntimeException e) {
            if (!closing) {
                failure.set(new IllegalStateException("view of " + topic + " stopped: " + e.getMessage(), e));
            }
        } finally {
            consumer.close(Duration.ZERO);
            if (ends != consumer) {
                ends.close(Duration.ZERO);
            }
            stopped.countDown(); // before the requests are failed: a later one fails itself (requestCurrent)
            waiting.forEach(t -> t.done().completeExceptionally(stoppedReason()));
            requested.forEach(f -> f.completeExceptionally(stoppedReason()));
        }
    }

    /** Gives each new request the end offsets as they are now (see {@link #start} for which). */
    private void serve(List<TopicPartition> partitions) {
        if (requested.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> end = ends.endOffsets(partitions);
        CompletableFuture<Void> f;
        while ((f = requested.poll()) != null) {
            waiting.add(new Target(f, end));
        }
        complete();
    }

    private void complete() {
        waiting.removeIf(t -> {
            boolean reached = t.end().entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (reached) {
                t.done().complete(null);
            }
            return reached;
        });
    }

    private RuntimeException stoppedReason() {
        return failure.get() != null ? failure.get() : new IllegalStateException("view of " + topic + " closed");
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
        return await(caughtUp, timeout);
    }

    /**
     * Asks the view to reach the topic's end as it is when the reader serves the request: every
     * record committed before this call is then in the view. Wait for it with {@link #await}.
     */
    public CompletableFuture<Void> requestCurrent() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        requested.add(f);
        if (stopped.getCount() == 0) {
            f.completeExceptionally(stoppedReason()); // no reader will serve it
        } else {
            consumer.wakeup(); // the one thread-safe call: cuts the reader's poll short
        }
        return f;
    }

    /**
     * Waits for a request of this view.
     *
     * @return false when {@code timeout} passed first
     * @throws IllegalStateException when the view stopped on an error, or was closed
     */
    public boolean await(CompletableFuture<Void> request, Duration timeout) throws InterruptedException {
        try {
            request.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            throwIfFailed();
            return false;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ise ? ise
                    : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
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
