package io.gkm.audit.read;

import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.trace.Trace;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.AuditLedgerEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the ledger topic as it is committed ({@code read_committed}, no consumer group): its end
 * is the last stable offset, so an open or aborted transaction is never read. Offsets between
 * entries may be skipped: transaction markers take offsets too.
 */
public final class LedgerReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Records looked at before the end when looking for the last entry; doubled until one is found. */
    private static final int TAIL_WINDOW = 16;

    private final String topic;
    private final TopicPartition partition;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /**
     * @param timeout longest wait for the broker to answer a poll or a lookup before giving up
     */
    public LedgerReader(KafkaClientFactory clients, String topic, String clientId, Duration timeout) {
        Map<String, Object> p = new HashMap<>(clients.commonProperties());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // A missing ledger is reported, never made by asking for it with the broker's defaults.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public String topic() {
        return topic;
    }

    /**
     * Fails unless the ledger topic exists with exactly one partition: one chain needs one order.
     *
     * @throws IllegalStateException saying what is wrong and what to do
     */
    public void requireOnePartition() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("the audit ledger topic " + topic + " does not exist; create it: gkm topics create");
        }
        if (partitions.size() != 1) {
            throw new IllegalStateException("the audit ledger topic " + topic + " has " + partitions.size()
                    + " partitions; the ledger is one hash chain and needs exactly 1 (gkm topics create makes it so)");
        }
    }

    /**
     * Reads every committed record from the beginning to the end as it is now, in offset order,
     * until {@code each} answers false.
     *
     * @return the end offset read to
     */
    public long read(Predicate<ConsumerRecord<byte[], byte[]>> each) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = end();
        scan(end, each);
        return end;
    }

    /**
     * Checks the whole chain from its first entry to the end as it is now ({@code gkm audit
     * verify}); stops at the first broken link.
     */
    public ChainCheck verify(EventCodec codec) {
        ChainCheck check = new ChainCheck(topic, codec);
        read(r -> check.next(r.offset(), r.value()).isEmpty());
        return check;
    }

    /** What {@code gkm audit trace} prints: the trace lines of {@code query}, and how many records were no entry. */
    public record TraceResult(List<String> lines, long notEntries) {
    }

    /** The entries that concern a resource key or correlation id ({@link Trace#concerns}), in ledger order. */
    public TraceResult trace(EventCodec codec, String query) {
        List<String> lines = new ArrayList<>();
        long[] notEntries = {0};
        read(r -> {
            try {
                AuditLedgerEntry entry = ChainCheck.decode(r.topic(), r.value(), codec);
                if (Trace.concerns(entry, query, codec)) {
                    lines.add(Trace.line(entry, codec));
                }
            } catch (UndecodableRecordException e) {
                notEntries[0]++;
            }
            return true;
        });
        return new TraceResult(List.copyOf(lines), notEntries[0]);
    }

    /** The last committed record, if the ledger has any. */
    public Optional<ConsumerRecord<byte[], byte[]>> last() {
        consumer.assign(List.of(partition));
        long end = end();
        long beginning = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        for (long window = TAIL_WINDOW; ; window *= 2) {
            long from = Math.max(beginning, end - window);
            consumer.seek(partition, from);
            AtomicReference<ConsumerRecord<byte[], byte[]>> last = new AtomicReference<>();
            scan(end, r -> {
                last.set(r);
                return true;
            });
            if (last.get() != null || from == beginning) {
                return Optional.ofNullable(last.get());
            }
        }
    }

    /**
     * Polls from the current position up to {@code end}, handing each record before it to
     * {@code each} until that answers false.
     *
     * @throws IllegalStateException when the position does not move for the timeout (broker gone)
     */
    private void scan(long end, Predicate<ConsumerRecord<byte[], byte[]>> each) {
        long position = consumer.position(partition, timeout);
        long lastMove = System.nanoTime();
        while (position < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= end || !each.test(r)) {
                    return;
                }
            }
            long now = consumer.position(partition, timeout);
            if (now != position) {
                position = now;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > timeout.toNanos()) {
                throw new IllegalStateException("reading " + topic + " made no progress at offset " + position
                        + " for " + timeout.toMillis() + " ms (end " + end + "); is the broker reachable?");
            }
        }
    }

    private long end() {
        return consumer.endOffsets(List.of(partition), timeout).get(partition);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
