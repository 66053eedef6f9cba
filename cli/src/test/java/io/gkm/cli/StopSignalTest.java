package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the shutdown hook's signal does to a command on its own thread: it interrupts a start (so a
 * stop during start-up is prompt, not held until the start ends or the grace of 60 s), and only
 * releases the wait of a command that has started.
 */
class StopSignalTest {
    private static final Duration PROMPT = Duration.ofSeconds(10);

    /** Runs {@code body} on a thread of its own, as a command's thread, with the signal it installs. */
    private static Thread command(CompletableFuture<StopSignal> installed, CommandBody body) {
        Thread thread = new Thread(() -> {
            try (StopSignal signal = StopSignal.install("test")) {
                installed.complete(signal);
                body.run(signal);
            } catch (InterruptedException e) {
                throw new AssertionError("the command's wait was interrupted", e);
            }
        }, "command");
        thread.start();
        return thread;
    }

    private interface CommandBody {
        void run(StopSignal signal) throws InterruptedException;
    }

    @Test
    void aSignalWhileTheCommandStartsInterruptsTheStart() throws Exception {
        CompletableFuture<StopSignal> installed = new CompletableFuture<>();
        AtomicReference<InterruptedException> startInterrupted = new AtomicReference<>();
        Thread thread = command(installed, signal -> {
            try {
                new CountDownLatch(1).await(); // a start waiting on something that never comes
            } catch (InterruptedException e) {
                startInterrupted.set(e);
            }
        });
        StopSignal signal = installed.get();
        await().atMost(PROMPT).until(() -> thread.getState() == Thread.State.WAITING);

        signal.requestStop();
        thread.join(PROMPT.toMillis());

        assertThat(thread.isAlive()).isFalse();
        assertThat(startInterrupted.get()).isNotNull();
    }

    @Test
    void aSignalAfterTheStartReleasesTheWaitAndInterruptsNothing() throws Exception {
        CompletableFuture<StopSignal> installed = new CompletableFuture<>();
        AtomicReference<Boolean> interruptedAfterWait = new AtomicReference<>();
        Thread thread = command(installed, signal -> {
            while (!signal.await(Duration.ofMillis(50))) {
                // a command checking on its parts between waits
            }
            interruptedAfterWait.set(Thread.currentThread().isInterrupted());
        });
        StopSignal signal = installed.get();
        await().atMost(PROMPT).until(() -> thread.getState() == Thread.State.TIMED_WAITING);

        signal.requestStop();
        thread.join(PROMPT.toMillis());

        assertThat(thread.isAlive()).isFalse();
        assertThat(interruptedAfterWait.get()).as("interrupted after the wait").isFalse();
    }

    @Test
    void aSignalThatAStartOutranEndsTheFirstWaitAtOnceWithoutInterruptingIt() throws Exception {
        CompletableFuture<StopSignal> installed = new CompletableFuture<>();
        AtomicBoolean signalled = new AtomicBoolean();
        AtomicReference<Boolean> stoppedAtOnce = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfterWait = new AtomicReference<>();
        Thread thread = command(installed, signal -> {
            while (!signalled.get()) {
                Thread.onSpinWait(); // a start that never looks at its interrupt
            }
            stoppedAtOnce.set(signal.await(Duration.ofSeconds(60)));
            interruptedAfterWait.set(Thread.currentThread().isInterrupted());
        });
        StopSignal signal = installed.get();

        signal.requestStop();
        signalled.set(true);
        thread.join(PROMPT.toMillis());

        assertThat(thread.isAlive()).isFalse();
        assertThat(stoppedAtOnce.get()).isTrue();
        assertThat(interruptedAfterWait.get()).as("interrupted after the wait").isFalse();
    }
}
