package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@WithKafka
class TopicsCommandIT {
    private static String run(String... args) {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(args)).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    @Test
    void createMakesEveryPipelineTopicWithItsSettingsAndIsIdempotent(KafkaCluster kafka) {
        String prefix = kafka.uniqueName("cli") + ".";
        String created = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--topic-partitions", "4");
        assertThat(created).containsPattern(prefix.replace(".", "\\.") + "admissions\\s+created")
                .doesNotContain("missing:");
        String again = run("topics", "create", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix);
        assertThat(again).containsPattern(prefix.replace(".", "\\.") + "admissions\\s+exists");

        String described = run("topics", "describe", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix);
        for (String t : new String[] {"admissions", "resources", "verifications", "install-results", "nodes",
                "audit", "audit-ledger", "dlq", "ingest.watch-state"}) {
            assertThat(described).contains(prefix + t + " ");
        }
        assertThat(described).containsPattern(prefix.replace(".", "\\.") + "resources\\s+4\\s+1")
                .containsPattern(prefix.replace(".", "\\.") + "nodes\\s+.*cleanup.policy=compact")
                .containsPattern(prefix.replace(".", "\\.") + "audit-ledger\\s+.*retention.ms=-1")
                .containsPattern(prefix.replace(".", "\\.") + "ingest\\.watch-state\\s+4\\s+1\\s+.*cleanup.policy=compact");
    }

    @Test
    void describeOfAnEmptyClusterSaysWhatIsMissingAndHowToCreateIt(KafkaCluster kafka) {
        String prefix = kafka.uniqueName("none") + ".";
        String described = run("topics", "describe", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix);
        assertThat(described).contains("missing: " + prefix + "admissions", "(run: gkm topics create)");
    }
}
