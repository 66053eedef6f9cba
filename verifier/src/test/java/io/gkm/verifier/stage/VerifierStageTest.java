package io.gkm.verifier.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.StageLoop;
import io.gkm.verifier.VerifierSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How many records a verifier batch may hold so that it commits even when no registry answers. */
class VerifierStageTest {
    private static final List<Setting<?>> SETTINGS = Stream.concat(Settings.all().stream(),
            VerifierSettings.all().stream()).toList();

    private static GkmConfig load(Map<String, String> env) {
        return GkmConfig.load(SETTINGS, env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    private static StageLoop.Timing timing(int maxPollRecords, Duration transactionTimeout) {
        return new StageLoop.Timing(Duration.ofMillis(500), maxPollRecords, transactionTimeout, Duration.ofSeconds(1));
    }

    @Test
    void theDefaultsLetEveryRecordOfABatchTimeOutWithinHalfTheTransactionTimeout() {
        StageLoop.Timing configured = StageLoop.Timing.from(load(Map.of()));
        StageLoop.Timing fitted = VerifierStage.timing(load(Map.of()));
        Duration verifyTimeout = load(Map.of()).get(VerifierSettings.VERIFY_TIMEOUT);

        assertThat(fitted.maxPollRecords()).isPositive().isLessThan(configured.maxPollRecords());
        assertThat(verifyTimeout.multipliedBy(fitted.maxPollRecords()))
                .isLessThanOrEqualTo(fitted.transactionTimeout().dividedBy(2));
        assertThat(fitted).isEqualTo(new StageLoop.Timing(configured.pollTimeout(), fitted.maxPollRecords(),
                configured.transactionTimeout(), configured.retryBackoff()));
    }

    @Test
    void aBatchHoldsAsManyRecordsAsTimeOutsFitInHalfTheTransactionTimeout() {
        assertThat(VerifierStage.fit(timing(500, Duration.ofSeconds(60)), Duration.ofSeconds(10)).maxPollRecords())
                .isEqualTo(3);
        assertThat(VerifierStage.fit(timing(500, Duration.ofSeconds(60)), Duration.ofMillis(100)).maxPollRecords())
                .isEqualTo(300);
        assertThat(VerifierStage.fit(timing(500, Duration.ofSeconds(60)), Duration.ofSeconds(30)).maxPollRecords())
                .isEqualTo(1);
    }

    @Test
    void aSmallerConfiguredBatchIsKept() {
        assertThat(VerifierStage.fit(timing(2, Duration.ofSeconds(60)), Duration.ofSeconds(10)).maxPollRecords())
                .isEqualTo(2);
    }

    @Test
    void aVerifyTimeoutOverHalfTheTransactionTimeoutIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> VerifierStage.timing(load(Map.of("GKM_VERIFY_TIMEOUT", "31s"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("GKM_VERIFY_TIMEOUT (--verify-timeout): 31000 ms; it must be more than 0 and "
                                + "at most half of GKM_STAGE_TRANSACTION_TIMEOUT (60000 ms)"));
    }

    @Test
    void aZeroVerifyTimeoutIsRefused() {
        assertThatThrownBy(() -> VerifierStage.fit(timing(500, Duration.ofSeconds(60)), Duration.ZERO))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GKM_VERIFY_TIMEOUT (--verify-timeout): 0 ms; it must be more than 0");
    }
}
