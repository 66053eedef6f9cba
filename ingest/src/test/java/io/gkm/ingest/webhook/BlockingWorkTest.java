package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BlockingWorkTest {
    @Test
    void workBeyondTheThreadsAndTheQueueFailsAtOnceSayingTheRegistryIsTooSlow() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (BlockingWork work = new BlockingWork("test", 1, 1)) {
            CompletableFuture<Boolean> running = work.submit(() -> await(release), "verifications");
            CompletableFuture<Boolean> waiting = work.submit(() -> await(release), "verifications");

            CompletableFuture<Boolean> refused = work.submit(() -> true, "verifications");

            assertThat(refused).failsWithin(Duration.ZERO).withThrowableThat()
                    .withMessageContaining("1 verifications are already waiting; the registry is too slow");
            release.countDown();
            assertThat(running.get()).isTrue();
            assertThat(waiting.get()).isTrue();
        }
    }

    @Test
    void workAfterCloseFailsSayingTheWebhookIsStopping() {
        BlockingWork work = new BlockingWork("test", 1, 1);
        work.close();

        assertThat(work.submit(() -> true, "verifications")).failsWithin(Duration.ZERO).withThrowableThat()
                .withMessageContaining("the webhook is stopping; no more verifications are run");
    }

    @Test
    void workWhoseCallerStoppedWaitingIsInterruptedAndFreesItsThread() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        try (BlockingWork work = new BlockingWork("test", 1, 1)) {
            CompletableFuture<Boolean> stuck = work.submit(() -> {
                boolean released = await(never);
                interrupted.complete(!released);
                return released;
            }, "verifications");
            stuck.orTimeout(100, TimeUnit.MILLISECONDS);

            assertThat(stuck).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(TimeoutException.class);
            assertThat(interrupted).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
            // The only thread runs the next work.
            assertThat(work.submit(() -> true, "verifications")).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
        }
    }

    @Test
    void whatRunsAfterTheWorkOnItsThreadIsNotInterrupted() throws Exception {
        try (BlockingWork work = new BlockingWork("test", 1, 2)) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Boolean> done = work.submit(() -> await(go), "verifications");
            CompletableFuture<Boolean> failed = work.submit(() -> {
                throw new IllegalStateException("registry said no");
            }, "verifications");
            // Registered before the work ends, so they run on the worker thread, as the webhook's answer does.
            CompletableFuture<String> afterDone = done.thenApply(v -> state());
            CompletableFuture<String> afterFailed = failed.handle((v, e) -> state());

            go.countDown();

            assertThat(afterDone).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("test-1, not interrupted");
            assertThat(afterFailed).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("test-1, not interrupted");
        }
    }

    private static String state() {
        return Thread.currentThread().getName() + (Thread.currentThread().isInterrupted() ? ", interrupted" : ", not interrupted");
    }

    private static boolean await(CountDownLatch latch) {
        try {
            latch.await();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
