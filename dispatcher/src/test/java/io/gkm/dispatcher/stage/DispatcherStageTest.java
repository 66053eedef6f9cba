package io.gkm.dispatcher.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.stage.StageLoop;
import io.gkm.dispatcher.status.CacheNodeStatusWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The batch sizes the dispatcher's two loops run with, whatever GKM_STAGE_MAX_POLL_RECORDS says. */
class DispatcherStageTest {
    private static StageLoop.Timing timing(int maxPollRecords, Duration transactionTimeout) {
        return new StageLoop.Timing(Duration.ofMillis(100), maxPollRecords, transactionTimeout, Duration.ofMillis(250));
    }

    @Test
    void theRoutingLoopTakesOneRecordATransactionSoEachDecisionSeesTheOneBeforeCommitted() {
        StageLoop.Timing configured = timing(500, Duration.ofSeconds(60));

        StageLoop.Timing routing = DispatcherStage.oneRecordATransaction(configured);

        assertThat(routing.maxPollRecords()).isEqualTo(1);
        assertThat(routing.transactionTimeout()).isEqualTo(configured.transactionTimeout());
        assertThat(routing.pollTimeout()).isEqualTo(configured.pollTimeout());
        assertThat(routing.retryBackoff()).isEqualTo(configured.retryBackoff());
    }

    @Test
    void theStatusLoopTakesNoMoreResultsThanItsSlowestWritesFitInHalfTheTransactionTimeout() {
        // The defaults: 500 records, 60 s. Three calls of up to 10 s a result: one fits in 30 s.
        assertThat(DispatcherStage.statusBatches(timing(500, Duration.ofSeconds(60))).maxPollRecords()).isEqualTo(1);
        assertThat(DispatcherStage.statusBatches(timing(500, Duration.ofMinutes(10))).maxPollRecords())
                .isEqualTo((int) (Duration.ofMinutes(5).toMillis() / CacheNodeStatusWriter.LONGEST_WRITE.toMillis()))
                .isEqualTo(10);
        assertThat(DispatcherStage.statusBatches(timing(4, Duration.ofMinutes(10))).maxPollRecords())
                .as("a smaller GKM_STAGE_MAX_POLL_RECORDS is kept").isEqualTo(4);
        assertThat(DispatcherStage.statusBatches(timing(500, Duration.ofSeconds(20))).maxPollRecords())
                .as("never none").isEqualTo(1);
        assertThat(DispatcherStage.statusBatches(timing(500, Duration.ofMinutes(10))).transactionTimeout())
                .isEqualTo(Duration.ofMinutes(10));
    }
}
