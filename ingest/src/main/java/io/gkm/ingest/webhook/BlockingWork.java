package io.gkm.ingest.webhook;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
     * Runs {@code work} on one of the threads. Completing the returned future before the work ends
     * (a caller's {@code orTimeout}, a cancel) interrupts the work, so that a registry that never
     * answers does not keep the thread: the registry client stops at the interrupt.
     *
     * @param what what the work is, for the error when too much is already waiting
     */
    <T> CompletableFuture<T> submit(Supplier<T> work, String what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        // Set before the work completes the result itself, whose dependents then run on this thread:
        // they must not find it interrupted.
        AtomicBoolean ended = new AtomicBoolean();
        FutureTask<Void> task = new FutureTask<>(() -> {
            T value;
            try {
                value = work.get();
            } catch (Throwable t) {
                ended.set(true);
                result.completeExceptionally(t);
                return;
            }
            ended.set(true);
            result.complete(value);
        }, null);
        result.whenComplete((value, error) -> {
            if (!ended.get()) {
                task.cancel(true);
            }
        });
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException(pool.isShutdown()
                    ? "the webhook is stopping; no more " + what + " are run"
                    : maxWaiting + " " + what + " are already waiting; the registry is too slow for the admission rate",
                    e));
        }
        return result;
    }

    /** Stops the threads; work still running is abandoned. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
