package io.gkm.ingest.watch;

import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageFailedException;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the informers report, one thread, in the order reported: each batch of signals
 * becomes ResourceEvents on {@code gkm.resources} and their copies (or tombstones) on the watch
 * state topic, in one Kafka transaction. A batch that fails retriably is aborted and retried with a
 * growing backoff, so events are neither lost nor reordered; a fatal error (fenced by another
 * ingest, not authorised) stops the publisher, see {@link #failure()}.
 */
public final class ResourcePublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourcePublisher.class);
    static final int MAX_BATCH = 500;

    private final Producer<String, byte[]> producer;
    private final Emitter emitter;
    private final Topics topics;
    private final String stateTopic;
    private final Clock clock;
    private final Duration retryBackoff;
    private final BlockingQueue<WatchSignal> signals = new LinkedBlockingQueue<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<StageFailedException> failure = new AtomicReference<>();
    private final Thread thread;
    private PublishedState state;

    /**
     * @param producer a transactional producer on which {@code initTransactions()} was called
     *     before {@code state} was read (so no older ingest's transaction is still open); owned
     *     from now on
     * @param state the last published state, as read from the watch state topic
     */
    public ResourcePublisher(Producer<String, byte[]> producer, Emitter emitter, Topics topics, PublishedState state,
                             Clock clock, Duration retryBackoff) {
        this.producer = producer;
        this.emitter = emitter;
        this.topics = topics;
        this.stateTopic = topics.ingestWatchState();
        this.state = state;
        this.clock = clock;
        this.retryBackoff = retryBackoff;
        this.thread = new Thread(this::run, "gkm-watch-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a signal; never blocks the informer. */
    public void accept(WatchSignal signal) {
        signals.add(signal);
    }

    /** Why the publisher stopped on its own, if it did. */
    public Optional<StageFailedException> failure() {
        return Optional.ofNullable(failure.get());
    }

    private void run() {
        try {
            Duration backoff = retryBackoff;
            List<WatchSignal> batch = new ArrayList<>();
            while (stopRequested.getCount() > 0) {
                if (batch.isEmpty()) {
                    WatchSignal first = signals.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    signals.drainTo(batch, MAX_BATCH - 1);
                }
                try {
                    publish(batch);
                    batch.clear();
                    backoff = retryBackoff;
                } catch (KafkaException e) {
                    if (isFatal(e)) {
                        throw e;
                    }
                    producer.abortTransaction();
                    LOG.warn("watch events of {} signals not published, will retry in {} ms: {}", batch.size(),
                            backoff.toMillis(), e.getMessage());
                    if (stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(retryBackoff.multipliedBy(30)) <= 0
                            ? backoff.multipliedBy(2) : retryBackoff.multipliedBy(30);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            failure.set(new StageFailedException("the watches were fenced: another ingest of this cluster publishes "
                    + "watch events now (run the watches in one ingest per cluster)", e));
        } catch (AuthorizationException | AuthenticationException e) {
            failure.set(new StageFailedException("the watches may not write " + topics.resources() + " and "
                    + stateTopic + ": " + e.getMessage() + " (check the KafkaUser ACLs and GKM_KAFKA_* credentials)", e));
        } catch (RuntimeException e) {
            failure.set(new StageFailedException("the watches stopped publishing: " + e, e));
        } finally {
            finished.countDown();
        }
    }

    private void publish(List<WatchSignal> batch) {
        PublishedState next = state.copy();
        List<ResourceEvent> events = new ArrayList<>();
        for (WatchSignal signal : batch) {
            events.addAll(next.decide(signal, clock.instant()));
        }
        if (!events.isEmpty()) {
            producer.beginTransaction();
            for (ResourceEvent event : events) {
                ProducerRecord<String, byte[]> record = emitter.chainStart(
                        new Outbound(topics.resources(), event.getResourceKey(), event));
                producer.send(record);
                producer.send(event.getChangeType() == ChangeType.DELETED
                        ? new ProducerRecord<>(stateTopic, event.getResourceKey(), null)
                        : new ProducerRecord<>(stateTopic, null, event.getResourceKey(), record.value(), record.headers()));
            }
            producer.commitTransaction();
        }
        state = next;
    }

    private static boolean isFatal(KafkaException e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof AuthorizationException || e instanceof AuthenticationException
                || e instanceof OutOfOrderSequenceException || e instanceof UnsupportedVersionException;
    }

    /** Publishes what is queued (for up to {@code timeout}), then closes the producer. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!signals.isEmpty() && finished.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopRequested.countDown();
        try {
            finished.await(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
