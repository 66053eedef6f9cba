package io.gkm.ingest.webhook;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Threads of their own for blocking registry work, so that it never runs on the webhook's event
 * loop: a fixed number run at once, a bounded number wait, and more fail at once rather than pile up.
 */
final class BlockingWork implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final int maxWaiting;

    /**
     * @param name prefix of the threads' names
     * @param threads how many run at once
     * @param maxWaiting how many wait for a thread (their budget keeps running) before new ones fail
     */
    BlockingWork(String name, int threads, int maxWaiting) {
        AtomicInteger count = new AtomicInteger();
        this.maxWaiting = maxWaiting;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(maxWaiting),
                r -> {
                    Thread t = new Thread(r, name + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code work} on one of the threads.
     *
     * @param what what the work is, for the error when too much is already waiting
     */
    <T> CompletableFuture<T> submit(Supplier<T> work, String what) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(pool.isShutdown()
                    ? "the webhook is stopping; no more " + what + " are run"
                    : maxWaiting + " " + what + " are already waiting; the registry is too slow for the admission rate",
                    e));
        }
    }

    /** Stops the threads; work still running is abandoned. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
