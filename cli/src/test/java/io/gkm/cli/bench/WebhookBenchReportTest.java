package io.gkm.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookBenchReportTest {
    private static final WebhookBench.Load LOAD = new WebhookBench.Load(32, Duration.ofSeconds(5),
            Duration.ofSeconds(20), 500);

    private static PhaseResult phase(String endpoint, long completed, double p50Ms, double p99Ms) {
        // 50 us of process CPU per request
        return new PhaseResult(endpoint, completed, 0, Duration.ofSeconds(20), (long) (p50Ms * 1e6),
                (long) (p99Ms * 1e6), completed * 50_000);
    }

    @Test
    void targetsMetArePassAndTheNumbersStandSideBySide() {
        WebhookBench.Results results = new WebhookBench.Results(phase("bare endpoint", 200_000, 0.5, 1.5),
                phase("webhook (validate)", 180_000, 0.6, 2.0), phase("bare endpoint", 10_000, 0.4, 1.0),
                phase("webhook (validate)", 10_000, 0.9, 4.9));

        String report = WebhookBench.report(results, LOAD);

        assertThat(results.ratio()).isEqualTo(0.9);
        assertThat(report)
                .containsPattern("bare endpoint +10000\\.0 +0\\.50 ms +1\\.50 ms +0 +50 us\n")
                .containsPattern("webhook \\(validate\\) +9000\\.0 +0\\.60 ms +2\\.00 ms +0 +50 us\n")
                .containsPattern("ratio webhook/bare +0\\.90 +target >= 0\\.80: PASS")
                .containsPattern("webhook \\(validate\\) +500\\.0 +0\\.90 ms +4\\.90 ms +0 +50 us\n")
                .contains("webhook p99 4.90 ms   target <= 5.0 ms: PASS");
    }

    @Test
    void targetsMissedAreMiss() {
        WebhookBench.Results results = new WebhookBench.Results(phase("bare endpoint", 200_000, 0.5, 1.5),
                phase("webhook (validate)", 100_000, 3.0, 9.0), phase("bare endpoint", 10_000, 0.4, 1.0),
                phase("webhook (validate)", 10_000, 1.0, 5.1));

        String report = WebhookBench.report(results, LOAD);

        assertThat(report).containsPattern("ratio webhook/bare +0\\.50 +target >= 0\\.80: MISS")
                .contains("webhook p99 5.10 ms   target <= 5.0 ms: MISS");
    }
}
