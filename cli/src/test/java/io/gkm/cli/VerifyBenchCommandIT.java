package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code gkm bench verify} end to end, briefly: it starts docker-registry, pushes and signs its
 * samples, verifies them (every verification must be VERIFIED, else the command fails) and reports.
 * What it measures is not checked here (it is a benchmark), only the report's shape.
 */
class VerifyBenchCommandIT {
    @Test
    void benchVerifiesBothFormatsAndReportsRequestsLatenciesAndDecisionsWithTheTarget() {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));

        int rc = cl.execute("bench", "verify", "--runs", "3", "--warmup", "0", "--duration", "300ms");

        assertThat(rc).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString())
                .containsPattern("gkm bench verify: \\d+ cores, registry 127\\.0\\.0\\.1:\\d+ \\(docker-registry started")
                .containsPattern("baseline: one registry round trip .*: p50 [\\d.]+ ms, p99 [\\d.]+ ms \\(3 runs\\)")
                .contains("cosign v2 (Kyverno type Cosign), 3 verifications of each kind, all VERIFIED:")
                .contains("cosign v3 (Kyverno type SigstoreBundle), 3 verifications of each kind, all VERIFIED:")
                .containsPattern("registry requests \\d+ = image manifest 1 \\+ beyond \\d+ \\(config blob 1, "
                        + "\\.sig manifest 1, signature blob 1\\)")
                .containsPattern("registry requests \\d+ = image manifest 1 \\+ beyond \\d+ \\(config blob 1, "
                        + "(Referrers API 1, )?referrers tag index 1, referrer manifest 1, signature blob 1\\)")
                .containsPattern("beyond the manifest \\d+; cosign's own minimum for the signatures 2")
                .containsPattern("beyond the manifest \\d+; cosign's own minimum for the signatures 3")
                .containsPattern("latency p50 [\\d.]+ ms, p99 [\\d.]+ ms \\(p50 = [\\d.]+ round trips\\)")
                .containsPattern("target <= 2 requests beyond the manifest \\(cold\\): (PASS|MISS)")
                .containsPattern("target <= 2 requests beyond the manifest \\(same client\\): (PASS|MISS)")
                .containsPattern("\\d+ verdicts/s, p50 [\\d.]+ ms, p99 [\\d.]+ ms \\(\\d+ decisions\\)");
    }

    @Test
    void nonsenseLoadIsAConfigurationError() {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute("bench", "verify", "--runs", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--runs must be at least 1");
    }
}
