package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
