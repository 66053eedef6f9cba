package io.gkm.ingest.webhook;

import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each admission decision to Kafka: its AdmissionEvent on {@code gkm.admissions} (starting a
 * new correlation chain) and the AuditEvent it causes on {@code gkm.audit}.
 *
 * <p>{@code KafkaProducer.send} blocks while the broker's metadata is unknown (up to
 * {@code max.block.ms}), so sends run on one thread of their own, never on the webhook's event
 * loop; when that thread is {@value #MAX_PENDING} decisions behind, a decision fails to record at
 * once. The recorder owns the producer.
 */
public final class AdmissionRecorder implements AutoCloseable {
    /** Decisions waiting for the send thread before new ones fail to record at once. */
    static final int MAX_PENDING = 10_000;

    private final Producer<String, byte[]> producer;
    private final Emitter emitter;
    private final Topics topics;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING), r -> {
                Thread t = new Thread(r, "gkm-admission-recorder");
                t.setDaemon(true);
                return t;
            });

    public AdmissionRecorder(Producer<String, byte[]> producer, Emitter emitter, Topics topics) {
        this.producer = producer;
        this.emitter = emitter;
        this.topics = topics;
    }

    /**
     * Sends a decision's two events.
     *
     * @return completes when Kafka acknowledged both; fails with the first error
     */
    public CompletableFuture<Void> record(AdmissionEvent event, AuditEntry audit) {
        ProducerRecord<String, byte[]> admission = emitter.chainStart(
                new Outbound(topics.admissions(), event.getResourceKey(), event));
        String eventId = new String(admission.headers().lastHeader(CloudEventHeaders.ID).value(), StandardCharsets.UTF_8);
        ProducerRecord<String, byte[]> auditRecord = emitter.audit(audit, eventId, eventId);
        return send(List.of(admission, auditRecord));
    }

    private CompletableFuture<Void> send(List<ProducerRecord<String, byte[]>> records) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        AtomicInteger outstanding = new AtomicInteger(records.size());
        try {
            sender.execute(() -> {
                try {
                    for (ProducerRecord<String, byte[]> r : records) {
                        producer.send(r, (metadata, error) -> {
                            if (error != null) {
                                acknowledged.completeExceptionally(error);
                            } else if (outstanding.decrementAndGet() == 0) {
                                acknowledged.complete(null);
                            }
                        });
                    }
                } catch (RuntimeException e) {
                    acknowledged.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            acknowledged.completeExceptionally(new IllegalStateException(MAX_PENDING
                    + " decisions are already waiting to be sent to Kafka", e));
        }
        return acknowledged;
    }

    /** Sends what is queued (waiting up to 5 s) and closes the producer. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** Sends what is queued, waiting up to {@code timeout} for it and again for the producer, and closes the producer. */
    public void close(Duration timeout) {
        sender.shutdown();
        try {
            sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(timeout);
    }
}
