package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gkm bench webhook} end to end, briefly: it starts its broker, the webhook and the bare
 * endpoint, drives both and reports. What it measures is not checked here (it is a benchmark).
 */
class WebhookBenchCommandIT {
    @Test
    void benchDrivesBothEndpointsAndReportsEveryNumberWithItsTargets() {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int rc = cl.execute("bench", "webhook", "--concurrency", "4", "--duration", "2s", "--warmup", "0s",
                "--rate", "40");

        assertThat(rc).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString())
                .containsPattern("gkm bench webhook: \\d+ cores, Kafka 127\\.0\\.0\\.1:\\d+ \\(embedded, acks=all\\)")
                .containsPattern("closed loop, 4 requests in flight, 2 s measured per endpoint")
                .containsPattern("bare endpoint\\s+[\\d.]+\\s+[\\d.]+ ms\\s+[\\d.]+ ms\\s+0\\s+\\d+ us\\n")
                .containsPattern("webhook \\(validate\\)\\s+[\\d.]+\\s+[\\d.]+ ms\\s+[\\d.]+ ms\\s+0\\s+\\d+ us\\n")
                .containsPattern("ratio webhook/bare\\s+[\\d.]+\\s+target >= 0\\.80: (PASS|MISS)")
                .containsPattern("fixed rate, 40 requests/s")
                .containsPattern("webhook p99 [\\d.]+ ms\\s+target <= 5\\.0 ms: (PASS|MISS)")
                .containsPattern("kafka: \\d+ decisions answered by the webhook, 0 of them not recorded");
    }

    @Test
    void nonsenseLoadIsAConfigurationError() {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute("bench", "webhook", "--concurrency", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--concurrency and --rate must be at least 1");
    }
}
