package io.gkm.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM (as kubelet sends) for a long-running command: the JVM's shutdown hook
 * releases {@link #await}, then holds the JVM (up to {@value #GRACE_SECONDS} s) until the command
 * has stopped and {@link #close() closed} this, so that resources are closed before the JVM exits.
 */
final class StopSignal implements AutoCloseable {
    static final long GRACE_SECONDS = 60;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal(String command) {
        this.hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gkm-" + command + "-shutdown");
    }

    /** Installs the hook; open it before the resources it must outlive. */
    static StopSignal install(String command) {
        StopSignal signal = new StopSignal(command);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Waits for the signal. */
    void await() throws InterruptedException {
        stop.await();
    }

    /** Waits for the signal at most {@code timeout}; true if it came. */
    boolean await(Duration timeout) throws InterruptedException {
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
