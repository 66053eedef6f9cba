package io.gkm.audit.stage;

import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.chain.ChainTail;
import io.gkm.audit.read.LedgerReader;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.FatalKafkaErrors;
import io.gkm.core.stage.LoopControl;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageFailedException;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.UndecodableRecordException;
import io.gkm.schemas.event.AuditLedgerEntry;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit stage: appends every record of the audit topic, in one Kafka transaction with its
 * consumer offsets, to the one-partition ledger topic as the next {@link AuditLedgerEntry} of one
 * hash chain.
 *
 * <p>Not a {@link StageLoop}: the chain's tail is state that a transaction moves, so it must move
 * only when the transaction commits and be read back from Kafka whenever a transaction's fate is
 * unknown, and it must be read after the producer has fenced every earlier writer. So this loop:
 *
 * <ul>
 *   <li>has one transactional id and one static group member id for the whole ledger, whatever
 *       GKM_INSTANCE says: a second audit stage fences the first, and two never both append;</li>
 *   <li>reads the chain's tail ({@code read_committed}) only after {@code initTransactions} has
 *       aborted any transaction a predecessor left open, and refuses to append to a tail that is
 *       not a sound ledger entry;</li>
 *   <li>keeps the tail a batch moves in a local until the commit returns; after any failure it
 *       drops the producer, makes a new one (which settles the old transaction), reads the tail
 *       back and rewinds the consumer to its committed offsets, so a batch whose commit may or may
 *       not have happened is neither lost, duplicated nor chained twice;</li>
 *   <li>appends an audit record that is not a decodable AuditEvent all the same, its bytes
 *       hashed and the reason kept ({@code undecodable}): nothing on the audit topic is lost, and
 *       the ledger keeps it for ever rather than the DLQ's 30 days.</li>
 * </ul>
 */
public final class AuditLedgerStage implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLedgerStage.class);
    /** The stage's name: consumer group, CloudEvents source, metrics. */
    public static final String STAGE = "audit";
    /** Static group member id of the ledger's writer, the same in every instance. */
    static final String MEMBER = "ledger";
    /** Kafka's default max.request.size (and, near enough, a topic's max.message.bytes). */
    private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /** Key, headers and batch framing of one ledger record, generously. */
    private static final int RECORD_OVERHEAD_BYTES = 16 * 1024;

    private final Topics topics;
    private final StageLoop.Timing timing;
    private final KafkaClientFactory clients;
    private final Emitter emitter;
    private final EventCodec codec;
    private final Clock clock;
    private final LedgerMetrics metrics;
    private final int maxEntryBytes;
    private final LoopControl control = new LoopControl();
    private final CountDownLatch appending = new CountDownLatch(1);
    private final AtomicReference<StageFailedException> failure = new AtomicReference<>();
    private final AtomicReference<ChainTail> committedTail = new AtomicReference<>();
    /** Used by the loop thread only. */
    private KafkaProducer<String, byte[]> producer;

    public AuditLedgerStage(Topics topics, StageLoop.Timing timing, KafkaClientFactory clients, Emitter emitter,
            EventCodec codec, Clock clock, MeterRegistry registry) {
        this.topics = topics;
        this.timing = timing;
        this.clients = clients;
        this.emitter = emitter;
        this.codec = codec;
        this.clock = clock;
        this.metrics = new LedgerMetrics(registry);
        this.maxEntryBytes = maxEntryBytes(clients);
    }

    /**
     * The stage as configured: GKM_CLUSTER and GKM_INSTANCE (else the host name) name it in the
     * ledger records' CloudEvents source; the GKM_STAGE_* timings.
     */
    public static AuditLedgerStage of(GkmConfig config, KafkaClientFactory clients, Topics topics,
            MeterRegistry registry) {
        StageSpec spec = StageSpec.of(config, STAGE, List.of(topics.audit()));
        Clock clock = Clock.systemUTC();
        Emitter emitter = new Emitter(STAGE, spec.cluster(), spec.instance(), topics, EventCodec.INSTANCE, clock);
        return new AuditLedgerStage(topics, StageLoop.Timing.from(config), clients, emitter, EventCodec.INSTANCE, clock,
                registry);
    }

    /** {@code <prefix>audit.ledger}: one for the ledger, so that its writers fence each other. */
    public static String transactionalId(Topics topics) {
        return topics.prefix() + STAGE + "." + MEMBER;
    }

    /** {@code <prefix>audit}. */
    public static String groupId(Topics topics) {
        return topics.prefix() + STAGE;
    }

    /** Runs the stage on a thread of its own. */
    public Thread start() {
        Thread t = new Thread(this, "gkm-" + STAGE);
        t.start();
        return t;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.transactionalConsumer(groupId(topics), MEMBER,
                timing.maxPollRecords());
             LedgerReader ledger = new LedgerReader(clients, topics.auditLedger(), groupId(topics) + ".tail",
                     timing.transactionTimeout())) {
            if (control.attach(consumer)) {
                return;
            }
            ledger.requireOnePartition();
            resync(consumer, ledger, false);
            LOG.info("{}: appending {} to {} after {}", STAGE, topics.audit(), topics.auditLedger(), committedTail.get());
            consumer.subscribe(List.of(topics.audit()));
            appending.countDown();
            loop(consumer, ledger);
        } catch (StageFailedException e) {
            failure.set(e);
        } catch (WakeupException e) {
            // stop() while the stage was starting: a clean stop
        } catch (RuntimeException e) {
            failure.set(FatalKafkaErrors.fatalIn(e).map(f -> new StageFailedException(reason(f), e))
                    .orElseGet(() -> new StageFailedException("stage " + STAGE + " stopped: " + e.getMessage(), e)));
        } catch (Error e) {
            // The command waits on failure(): a thread dead of an Error must not look like one still running.
            failure.set(new StageFailedException("stage " + STAGE + " died: " + e, e));
            throw e;
        } finally {
            if (producer != null) {
                producer.close(failure.get() == null ? timing.transactionTimeout() : Duration.ZERO);
            }
            control.ended();
        }
    }

    private void loop(KafkaConsumer<byte[], byte[]> consumer, LedgerReader ledger) {
        Duration backoff = timing.retryBackoff();
        boolean resyncNeeded = false;
        while (control.running()) {
            long started = System.nanoTime();
            AtomicReference<Exception> sendError = new AtomicReference<>();
            try {
                if (resyncNeeded) {
                    resync(consumer, ledger, true);
                    resyncNeeded = false;
                }
                ConsumerRecords<byte[], byte[]> batch;
                try {
                    batch = consumer.poll(timing.pollTimeout());
                } catch (WakeupException e) {
                    return;
                }
                metrics.lag.set(LoopControl.lag(consumer));
                if (!batch.isEmpty()) {
                    started = System.nanoTime();
                    committedTail.set(append(consumer, batch, sendError));
                }
                backoff = timing.retryBackoff();
            } catch (WakeupException e) {
                return; // stop() woke a lookup of the resync
            } catch (KafkaException e) {
                Duration open = Duration.ofNanos(System.nanoTime() - started);
                Optional<RuntimeException> fatal = FatalKafkaErrors.fatalIn(e)
                        .or(() -> FatalKafkaErrors.fatalIn(sendError.get()));
                // A transaction that outlived its timeout is aborted by the broker, which the producer
                // then hears as a fence: retried, not taken for a second writer.
                if (fatal.isPresent() && !FatalKafkaErrors.fencedAfterTimeout(e, sendError.get(), open,
                        timing.transactionTimeout())) {
                    throw new StageFailedException(reason(fatal.get()), e);
                }
                metrics.aborted.increment();
                LOG.warn("{}: batch failed, will read the ledger's tail back and retry: {}", STAGE, e.getMessage());
                closeProducer();
                resyncNeeded = true;
                if (control.pause(backoff)) {
                    return;
                }
                backoff = LoopControl.nextBackoff(backoff, timing.retryBackoff());
            }
        }
    }

    /** Appends a batch in one transaction; the tail after it, once committed. */
    private ChainTail append(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> batch,
            AtomicReference<Exception> sendError) {
        ChainTail tail = committedTail.get();
        int undecodable = 0;
        producer.beginTransaction();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            AuditLedgerEntry entry = tail.append(record, clock.instant(), codec);
            ProducerRecord<String, byte[]> ledgerRecord = ledgerRecord(record, entry);
            if (entry.getEvent() == null) {
                undecodable++;
                LOG.warn("{}: {}/{}@{} appended as sequence {} with its bytes and no decoded event: {}", STAGE,
                        record.topic(), record.partition(), record.offset(), entry.getSequence(), entry.getUndecodable());
            }
            producer.send(ledgerRecord, (metadata, error) -> {
                if (error != null) {
                    sendError.compareAndSet(null, error);
                }
            });
            tail = ChainTail.after(entry);
        }
        producer.sendOffsetsToTransaction(StageLoop.nextOffsets(batch), consumer.groupMetadata());
        producer.commitTransaction();
        metrics.entries.increment(batch.count());
        metrics.undecodable.increment(undecodable);
        metrics.committed.increment();
        metrics.sequence.set(tail.sequence());
        return tail;
    }

    /**
     * The entry as a ledger record: on the ledger's one partition, keyed like the audit record, in
     * its chain. An entry that would not fit in a request with its event decoded beside its bytes
     * (an audit record over half the limit) keeps the bytes only: they are what is hashed, and a
     * record the ledger refused would stop it for good.
     */
    private ProducerRecord<String, byte[]> ledgerRecord(ConsumerRecord<byte[], byte[]> record, AuditLedgerEntry entry) {
        String key = record.key() == null || record.key().length == 0 ? null
                : new String(record.key(), StandardCharsets.UTF_8);
        String correlationId = entry.getEvent() != null ? entry.getEvent().getCorrelationId() : correlationId(record);
        ProducerRecord<String, byte[]> r = emitter.event(new Outbound(topics.auditLedger(), key, entry), correlationId);
        if (entry.getEvent() != null && r.value().length > maxEntryBytes) {
            int decoded = r.value().length;
            entry.setEvent(null);
            entry.setUndecodable("kept as bytes only: with its event decoded the entry would be " + decoded
                    + " bytes, over the " + maxEntryBytes + " a ledger record may take");
            r = emitter.event(new Outbound(topics.auditLedger(), key, entry), correlationId);
        }
        return new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers());
    }

    /** Room for an entry's value in one produce request, leaving some for its key, headers and batch framing. */
    private static int maxEntryBytes(KafkaClientFactory clients) {
        Object configured = clients.commonProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int maxRequest = configured == null ? DEFAULT_MAX_REQUEST_BYTES : Integer.parseInt(configured.toString());
        return maxRequest - RECORD_OVERHEAD_BYTES;
    }

    /** The record's ce_correlationid; null (a chain of its own) when its headers are not CloudEvents. */
    private static String correlationId(ConsumerRecord<byte[], byte[]> record) {
        try {
            return CloudEventHeaders.read(record.headers()).correlationId();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Makes the state what Kafka says it is: a new producer (its initTransactions fences any other
     * writer and settles any transaction left open, ours or a predecessor's), then the chain's
     * tail read back, then, when asked, the consumer rewound to its committed offsets.
     */
    private void resync(KafkaConsumer<byte[], byte[]> consumer, LedgerReader ledger, boolean rewind) {
        closeProducer();
        producer = clients.transactionalProducer(transactionalId(topics), (int) timing.transactionTimeout().toMillis());
        producer.initTransactions();
        ChainTail tail = readTail(ledger);
        committedTail.set(tail);
        metrics.sequence.set(tail.sequence());
        if (rewind && !consumer.assignment().isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
            for (TopicPartition tp : consumer.assignment()) {
                OffsetAndMetadata offset = committed.get(tp);
                if (offset != null) {
                    consumer.seek(tp, offset);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
        }
    }

    /** The committed chain's tail; fails rather than append to a last record that is not a sound entry. */
    private ChainTail readTail(LedgerReader ledger) {
        Optional<ConsumerRecord<byte[], byte[]>> last = ledger.last();
        if (last.isEmpty()) {
            return ChainTail.GENESIS;
        }
        ConsumerRecord<byte[], byte[]> r = last.get();
        AuditLedgerEntry entry;
        try {
            entry = ChainCheck.decode(r.topic(), r.value(), codec);
        } catch (UndecodableRecordException e) {
            throw brokenTail(r, e.getMessage());
        }
        Optional<String> problem = ChainCheck.inconsistency(entry, codec);
        if (problem.isPresent()) {
            throw brokenTail(r, problem.get());
        }
        return ChainTail.after(entry);
    }

    private static StageFailedException brokenTail(ConsumerRecord<byte[], byte[]> r, String problem) {
        return new StageFailedException("the last record of " + r.topic() + " (offset " + r.offset()
                + ") is not a sound ledger entry, so nothing is appended to it: " + problem
                + "; run gkm audit verify to find where the chain broke", null);
    }

    private void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private String reason(RuntimeException fatal) {
        String stage = "stage " + STAGE;
        if (fatal instanceof ProducerFencedException || fatal instanceof InvalidProducerEpochException
                || fatal instanceof FencedInstanceIdException) {
            return stage + " was fenced: another audit stage now appends to " + topics.auditLedger()
                    + " (transactional id " + transactionalId(topics) + "); only one may, so this one stops";
        }
        if (fatal instanceof AuthenticationException) {
            return stage + " could not log in to Kafka: " + fatal.getMessage()
                    + " (check the GKM_KAFKA_* credentials: security.protocol, sasl.*, ssl.*)";
        }
        if (fatal instanceof AuthorizationException) {
            return stage + " is not allowed to use Kafka: its Kafka user needs Read and Describe on topic "
                    + topics.audit() + ", Read, Write and Describe on topic " + topics.auditLedger() + ", Read on group "
                    + groupId(topics) + ", Write and Describe on transactional id " + transactionalId(topics)
                    + " (Kafka: " + fatal.getMessage() + ")";
        }
        return stage + " stopped on a fatal Kafka error: " + fatal;
    }

    /** The tail of the chain as last committed (null before the stage has read it). */
    public ChainTail committedTail() {
        return committedTail.get();
    }

    /** Asks the stage to finish its current transaction and stop; safe from any thread. */
    public void stop() {
        control.stop();
    }

    /**
     * Waits until the stage has fenced any other writer, read the chain's tail and begun to
     * append, or has ended; false on timeout.
     */
    public boolean awaitAppending(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (appending.await(50, TimeUnit.MILLISECONDS) || control.hasEnded()) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the stage has ended; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return control.awaitEnded(timeout);
    }

    /** Why the stage ended, when it ended on its own. */
    public Optional<StageFailedException> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        awaitStopped(timing.transactionTimeout().plusSeconds(5));
    }
}
