package io.gkm.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM (as kubelet sends) for a long-running command: the JVM's shutdown hook
 * releases {@link #await}, then holds the JVM (up to {@value #GRACE_SECONDS} s) until the command
 * has stopped and {@link #close() closed} this, so that resources are closed before the JVM exits.
 *
 * <p>A signal that comes while the command still starts (before it first waits here) interrupts
 * the command's thread: a start that waits on something slow (the API server listing the cluster)
 * then fails at once, instead of holding the JVM until it finishes or the grace ends.
 */
final class StopSignal implements AutoCloseable {
    static final long GRACE_SECONDS = 60;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread command;
    private final Thread hook;
    private boolean starting = true; // guarded by this

    private StopSignal(String command) {
        this.command = Thread.currentThread();
        this.hook = new Thread(() -> {
            requestStop();
            try {
                stopped.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gkm-" + command + "-shutdown");
    }

    /** Installs the hook; open it before the resources it must outlive, on the command's thread. */
    static StopSignal install(String command) {
        StopSignal signal = new StopSignal(command);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** What the hook does first: releases {@link #await}, or interrupts the command while it starts. */
    synchronized void requestStop() {
        stop.countDown();
        if (starting) {
            command.interrupt();
        }
    }

    /** The command has started: from now on a signal releases {@link #await} and interrupts nothing. */
    private synchronized void started() {
        starting = false;
        if (stop.getCount() == 0) {
            // the signal's interrupt, which the start outran: not meant for the wait
            Thread.interrupted();
        }
    }

    /** Waits for the signal. */
    void await() throws InterruptedException {
        started();
        stop.await();
    }

    /** Waits for the signal at most {@code timeout}; true if it came. */
    boolean await(Duration timeout) throws InterruptedException {
        started();
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The command has stopped: lets the JVM exit if it is shutting down, else removes the hook. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it is what stopped us
        }
    }
}
