package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GkmCommandLineTest {
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        CommandLine cl = Gkm.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run(Map.of(), "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("dev", "ingest", "topics", "config");
    }

    /** The command lists show a command's header: a whole sentence, not a description cut at its first line. */
    @Test
    void everyCommandHasAOneSentenceHeaderForTheCommandLists() {
        assertHeaders(Gkm.commandLine(Map.of()));
    }

    private static void assertHeaders(CommandLine command) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                assertThat(sub.getCommandSpec().usageMessage().header()).as(sub.getCommandSpec().qualifiedName())
                        .singleElement().asString().endsWith(".");
                assertHeaders(sub);
            }
        });
    }

    @Test
    void devHelpShowsEverySettingWithItsEnvVarAndDefault() {
        Run r = run(Map.of(), "dev", "--help");
        assertThat(r.exitCode()).isZero();
        for (Setting<?> s : Settings.all()) {
            assertThat(r.out()).contains(s.flag(), s.envVar());
        }
        assertThat(r.out()).contains("default: 9092", "--kafka-property");
    }

    @Test
    void configPrintsTheValuesFromFlagsEnvAndDefaults() {
        Run r = run(Map.of("GKM_CLUSTER", "gpu-east", "GKM_KAFKA_SECURITY_PROTOCOL", "SSL",
                "GKM_KAFKA_SSL_KEYSTORE_PASSWORD", "secret"), "config", "--topic-prefix", "prod.");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("GKM_CLUSTER\\s+gpu-east")
                .containsPattern("GKM_TOPIC_PREFIX\\s+prod\\.")
                .containsPattern("GKM_STAGE_POLL_TIMEOUT\\s+500ms")
                .containsPattern("kafka: security.protocol\\s+SSL")
                .contains("(hidden)").doesNotContain("secret");
    }

    @Test
    void invalidConfigurationExitsWithCodeTwoAndNamesEveryProblem() {
        Run r = run(Map.of("GKM_STAGE_POLL_TIMEOUT", "abc"), "config", "--metrics-port", "http");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("GKM_STAGE_POLL_TIMEOUT: expected a duration like 500ms, 30s, 5m, 2h or 7d, got 'abc'",
                "--metrics-port: expected a whole number from 0 to 65535, got 'http'");
    }

    @Test
    void ingestWithBadConfigurationExitsWithCodeTwoAndNamesEveryProblem() {
        Run r = run(Map.of("GKM_AUDIT_TIMEOUT", "soon", "GKM_WEBHOOK_TLS_KEY", "/no/such/tls.key",
                "KUBECONFIG", "/no/such/kubeconfig"), "ingest", "--webhook-port", "https");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(
                "GKM_WEBHOOK_TLS_CERT (--webhook-tls-cert): not set; the webhook serves HTTPS only",
                "GKM_WEBHOOK_TLS_KEY (--webhook-tls-key): cannot read /no/such/tls.key",
                "--webhook-port: expected a whole number from 0 to 65535, got 'https'",
                "GKM_AUDIT_TIMEOUT: expected a duration like 500ms, 30s, 5m, 2h or 7d, got 'soon'",
                "Kubernetes: no kubeconfig at [/no/such/kubeconfig] (set KUBECONFIG) and not in a pod");
    }

    @Test
    void ingestHelpShowsTheWebhookWatchAndRegistrySettings() {
        Run r = run(Map.of(), "ingest", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--webhook-tls-cert", "GKM_KYVERNO_VERIFICATION_ENABLED", "--watch-namespaces",
                "GKM_REGISTRY_AUTH_FILE", "--kafka-bootstrap-servers");
    }

    @Test
    void verifyHelpDoesNotOfferKafkaPropertiesButTheKafkaCommandsDo() {
        assertThat(run(Map.of(), "verify", "--help").out()).contains("--policies").doesNotContain("--kafka-property");
        assertThat(run(Map.of(), "bench", "verify", "--help").out()).contains("--registry").doesNotContain("--kafka-property");
        for (String[] kafkaCommand : new String[][] {{"dev"}, {"ingest"}, {"verifier"}, {"topics"}, {"config"},
                {"bench", "webhook"}}) {
            assertThat(run(Map.of(), append(kafkaCommand, "--help")).out()).as(String.join(" ", kafkaCommand))
                    .contains("--kafka-property");
        }
    }

    @Test
    void aKafkaPropertyFlagReachesTheConfigurationAndOtherCommandsRefuseIt() {
        Run config = run(Map.of(), "config", "--kafka-property", "security.protocol=SSL");
        assertThat(config.exitCode()).isZero();
        assertThat(config.out()).containsPattern("kafka: security.protocol\\s+SSL");

        Run verify = run(Map.of(), "verify", "--kafka-property", "security.protocol=SSL", "--policies", "policies",
                "example.org/x:1");
        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.err()).contains("Unknown option: '--kafka-property'");
    }

    @Test
    void aFailingNestedCommandIsNamedByItsWholePath() {
        Run r = run(Map.of(), "bench", "verify", "--registry", "no such registry", "--runs", "1", "--warmup", "0");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("gkm bench verify: ");
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    @Test
    void markdownTableIsTheOneGeneratedFromTheDeclarations() {
        Run r = run(Map.of(), "config", "--markdown");
        assertThat(r.out()).isEqualTo(Settings.markdownTable(ConfigCommand.everySetting()));
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = run(Map.of(), "frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("frobnicate");
    }
}
