package io.gkm.core.stage;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional loop every Kafka-to-Kafka stage runs: poll (read_committed) → decode →
 * {@link StageHandler#decide} → write outputs, audit events and the consumer offsets in one
 * Kafka transaction. A crash at any point leaves either all of a batch's effects or none, so no
 * verdict or job is lost or duplicated.
 *
 * <ul>
 *   <li>An undecodable record, or one whose handler fails with a non-retriable error, becomes a
 *       {@code DeadLetter} on the DLQ topic (with an audit event) inside the same transaction,
 *       and the stage goes on.</li>
 *   <li>A {@link RetriableStageException} or an abortable Kafka error aborts the transaction,
 *       rewinds the batch's partitions and retries after a growing backoff.</li>
 *   <li>A fatal Kafka error (fenced, not authorised), even wrapped in another Kafka error or
 *       reported to a send's callback, ends {@link #run()}; {@link #failure()} then holds a
 *       {@link StageFailedException} that says what to do.</li>
 * </ul>
 */
public final class StageLoop implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageLoop.class);

    /** Loop timings, from the stage.* settings. */
    public record Timing(Duration pollTimeout, int maxPollRecords, Duration transactionTimeout, Duration retryBackoff) {
        public static Timing from(GkmConfig config) {
            return new Timing(config.get(Settings.STAGE_POLL_TIMEOUT), config.get(Settings.STAGE_MAX_POLL_RECORDS),
                    config.get(Settings.STAGE_TRANSACTION_TIMEOUT), config.get(Settings.STAGE_RETRY_BACKOFF));
        }
    }

    private final StageSpec spec;
    private final Timing timing;
    private final KafkaClientFactory clients;
    private final String topicPrefix;
    private final EventCodec codec;
    private final Emitter emitter;
    private final StageHandler handler;
    private final StageMetrics metrics;
    private final LoopControl control = new LoopControl();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Used by the loop thread only; replaced after a Kafka error it cannot abort. */
    private KafkaProducer<String, byte[]> producer;

    public StageLoop(StageSpec spec, Timing timing, KafkaClientFactory clients, String topicPrefix,
                     EventCodec codec, Emitter emitter, StageHandler handler, MeterRegistry registry) {
        this.spec = spec;
        this.timing = timing;
        this.clients = clients;
        this.topicPrefix = topicPrefix;
        this.codec = codec;
        this.emitter = emitter;
        this.handler = handler;
        this.metrics = new StageMetrics(registry, spec.name());
    }

    /** Runs the loop on a thread of its own named after the stage. */
    public Thread start() {
        Thread t = new Thread(this, "gkm-" + spec.name());
        t.start();
        return t;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = clients.transactionalConsumer(
                spec.groupId(topicPrefix), spec.instance(), timing.maxPollRecords())) {
            if (control.attach(consumer)) {
                return;
            }
            producer = startProducer();
            consumer.subscribe(spec.inputs());
            loop(consumer);
        } catch (StageFailedException e) {
            fail(e);
        } catch (RuntimeException e) {
            // initTransactions, poll or an abort may report a fatal error too, wrapped or not.
            fail(FatalKafkaErrors.find(spec, topicPrefix, e, null)
                    .orElseGet(() -> new StageFailedException("stage " + spec.name() + " stopped: " + e, e)));
        } finally {
            if (producer != null) {
                // A failed stage's producer may never finish its open transaction (one refused a write
                // keeps trying to abort it): the broker or the next instance's initTransactions aborts it.
                producer.close(failure.get() == null ? timing.transactionTimeout() : Duration.ZERO);
            }
            control.ended();
        }
    }

    /** A transactional producer; its initTransactions fences any earlier instance with the same id and aborts its open transaction. */
    private KafkaProducer<String, byte[]> startProducer() {
        KafkaProducer<String, byte[]> p = clients.transactionalProducer(
                spec.transactionalId(topicPrefix), (int) timing.transactionTimeout().toMillis());
        p.initTransactions();
        return p;
    }

    /** Kept for {@link #failure()}; the owner of the loop reports it (it is not logged here). */
    private void fail(StageFailedException e) {
        failure.set(e);
    }

    private void loop(KafkaConsumer<byte[], byte[]> consumer) {
        Duration backoff = timing.retryBackoff();
        // A fence after a batch longer than the transaction timeout is taken for the broker's abort
        // once; a second in a row stops the stage, so two instances sharing an id do not fence each
        // other for ever, and a batch that never fits is not retried for ever.
        boolean lastTimedOut = false;
        while (control.running()) {
            ConsumerRecords<byte[], byte[]> batch;
            try {
                batch = consumer.poll(timing.pollTimeout());
            } catch (WakeupException e) {
                return;
            }
            metrics.lag.set(LoopControl.lag(consumer));
            if (batch.isEmpty()) {
                continue;
            }
            AtomicReference<Exception> sendError = new AtomicReference<>();
            long started = System.nanoTime();
            try {
                commitBatch(consumer, batch, sendError);
                backoff = timing.retryBackoff();
                lastTimedOut = false;
            } catch (RetriableStageException | KafkaException e) {
                Duration open = Duration.ofNanos(System.nanoTime() - started);
                if (FatalKafkaErrors.fencedAfterTimeout(e, sendError.get(), open, timing.transactionTimeout())) {
                    if (lastTimedOut) {
                        throw new StageFailedException("two batches in a row were fenced after outliving the "
                                + "transaction timeout (GKM_STAGE_TRANSACTION_TIMEOUT " + timing.transactionTimeout()
                                + "): raise it or lower GKM_STAGE_MAX_POLL_RECORDS; or another instance with the same "
                                + "GKM_INSTANCE is running: give each instance its own", e);
                    }
                    lastTimedOut = true;
                    abortAndRewind(consumer, batch, e, "the batch took " + open.toMillis() + " ms, longer than the "
                            + "transaction timeout (GKM_STAGE_TRANSACTION_TIMEOUT " + timing.transactionTimeout()
                            + "), so the broker aborted it; raise that or lower GKM_STAGE_MAX_POLL_RECORDS");
                } else {
                    Optional<StageFailedException> fatal = FatalKafkaErrors.find(spec, topicPrefix, e, sendError.get());
                    if (fatal.isPresent()) {
                        throw fatal.get();
                    }
                    abortAndRewind(consumer, batch, e, e.getMessage());
                }
                if (control.pause(backoff)) {
                    return;
                }
                backoff = LoopControl.nextBackoff(backoff, timing.retryBackoff());
            }
        }
    }

    /** Writes a batch's effects and offsets in one transaction; the first failed send's error goes to {@code sendError}. */
    private void commitBatch(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> batch,
                             AtomicReference<Exception> sendError) {
        producer.beginTransaction();
        int out = 0;
        int audits = 0;
        int dead = 0;
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            Effects effects = effectsOf(record);
            for (ProducerRecord<String, byte[]> r : effects.records) {
                producer.send(r, (metadata, error) -> {
                    if (error != null) {
                        sendError.compareAndSet(null, error);
                    }
                });
            }
            out += effects.outputs;
            audits += effects.audits;
            dead += effects.deadLetter ? 1 : 0;
        }
        producer.sendOffsetsToTransaction(nextOffsets(batch), consumer.groupMetadata());
        producer.commitTransaction();
        metrics.recordsIn.increment(batch.count());
        metrics.recordsOut.increment(out);
        metrics.auditEvents.increment(audits);
        metrics.deadLetters.increment(dead);
        metrics.committed.increment();
    }

    /** What one input record turns into: outputs and audits, or a dead letter and its audit. */
    private record Effects(List<ProducerRecord<String, byte[]>> records, int outputs, int audits, boolean deadLetter) {
    }

    private Effects effectsOf(ConsumerRecord<byte[], byte[]> record) {
        Inbound inbound;
        try {
            CloudEventHeaders headers = CloudEventHeaders.read(record.headers());
            inbound = new Inbound(record.topic(), record.partition(), record.offset(),
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    headers, codec.decode(record.topic(), record.value()));
        } catch (RuntimeException undecodable) {
            return deadLetter(record, undecodable, "undecodable record");
        }
        Decision decision;
        try {
            decision = handler.decide(inbound);
        } catch (RetriableStageException e) {
            throw e;
        } catch (RuntimeException e) {
            return deadLetter(record, e, "handler failed");
        }
        String correlationId = inbound.headers().correlationId();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Outbound o : decision.outputs()) {
            records.add(emitter.event(o, correlationId));
        }
        for (AuditEntry a : decision.audits()) {
            records.add(emitter.audit(a, correlationId, inbound.headers().id()));
        }
        return new Effects(records, decision.outputs().size(), decision.audits().size(), false);
    }

    private Effects deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error, String what) {
        ProducerRecord<String, byte[]> letter = emitter.deadLetter(record, error);
        String where = record.topic() + "/" + record.partition() + "@" + record.offset();
        AuditEntry entry = new AuditEntry("dead-letter", "DEAD_LETTERED", what + ": " + error.getMessage(),
                null, Map.of("topic", record.topic(), "partition", String.valueOf(record.partition()),
                "offset", String.valueOf(record.offset()), "dlq", letter.topic()));
        String correlationId = correlationIdOf(letter);
        LOG.warn("{}: {} at {} sent to {}: {}", spec.name(), what, where, letter.topic(), error.getMessage());
        return new Effects(List.of(letter, emitter.audit(entry, correlationId, correlationId)), 0, 1, true);
    }

    private static String correlationIdOf(ProducerRecord<String, byte[]> record) {
        return CloudEventHeaders.read(record.headers()).correlationId();
    }

    /** The offsets a batch's transaction commits: each partition's last offset plus one. */
    public static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
            offsets.put(tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void abortAndRewind(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> batch,
                                RuntimeException cause, String reason) {
        if (cause instanceof RetriableStageException) {
            producer.abortTransaction();
        } else {
            // After a Kafka error (a commit that timed out, say) the producer may refuse to abort;
            // a new one with the same transactional id aborts whatever the old one left open.
            producer.close(Duration.ZERO);
            producer = null;
            producer = startProducer();
        }
        metrics.aborted.increment();
        for (TopicPartition tp : batch.partitions()) {
            // A partition lost in a rebalance resumes at its committed offset on its new owner.
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, batch.records(tp).get(0).offset());
            }
        }
        LOG.warn("{}: batch of {} records aborted, will retry: {}", spec.name(), batch.count(), reason);
    }

    /** Asks the loop to finish its current transaction and stop; safe from any thread. */
    public void stop() {
        control.stop();
    }

    /** Waits until the loop has ended; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return control.awaitEnded(timeout);
    }

    /** Why the loop ended, when it ended on its own. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public String name() {
        return spec.name();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        awaitStopped(timing.transactionTimeout().plusSeconds(5));
    }
}
