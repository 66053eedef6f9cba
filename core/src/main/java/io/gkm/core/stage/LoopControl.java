package io.gkm.core.stage;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What every transactional Kafka loop of the pipeline handles alike ({@link StageLoop}, the audit
 * ledger's own loop): a stop asked for from any thread, which wakes the loop's consumer; the end of
 * the loop, which owners wait for; the pause between retries, cut short by a stop; the backoff.
 */
public final class LoopControl {
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<KafkaConsumer<?, ?>> consumer = new AtomicReference<>();

    /**
     * Registers the loop's consumer, which {@link #stop()} wakes.
     *
     * @return true when a stop was asked for already: the loop should not start
     */
    public boolean attach(KafkaConsumer<?, ?> loopConsumer) {
        consumer.set(loopConsumer);
        return stopRequested.getCount() == 0;
    }

    /** True until a stop is asked for. */
    public boolean running() {
        return stopRequested.getCount() > 0;
    }

    /** Asks the loop to finish its current transaction and stop; safe from any thread. */
    public void stop() {
        stopRequested.countDown();
        KafkaConsumer<?, ?> c = consumer.get();
        if (c != null) {
            c.wakeup();
        }
    }

    /** Waits for the backoff; true when a stop was asked for meanwhile. */
    public boolean pause(Duration backoff) {
        try {
            return stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Called by the loop's thread once, as it ends. */
    public void ended() {
        ended.countDown();
    }

    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /** Waits until the loop has ended; false on timeout. */
    public boolean awaitEnded(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The wait before the next retry: doubled, at most 30 times the first. */
    public static Duration nextBackoff(Duration backoff, Duration first) {
        Duration doubled = backoff.multipliedBy(2);
        Duration most = first.multipliedBy(30);
        return doubled.compareTo(most) <= 0 ? doubled : most;
    }

    /** Records the consumer has yet to read, over its assignment. */
    public static long lag(KafkaConsumer<?, ?> consumer) {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        return lag;
    }
}
