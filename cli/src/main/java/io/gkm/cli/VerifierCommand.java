package io.gkm.cli;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.ingest.IngestSettings;
import io.gkm.schemas.Topics;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.stage.VerificationHandler;
import io.gkm.verifier.stage.VerifierStage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

@Command(name = "verifier", mixinStandardHelpOptions = true,
        header = "Runs the verifier stage: gkm.admissions + gkm.resources -> gkm.verifications.",
        description = {"Runs the verifier as a Kafka stage: every GKMCache and ClusterGKMCache added",
                "or modified (as gkm.resources tells) is verified against the Kyverno policies",
                "of GKM_POLICIES, and its verdict (VERIFIED, REJECTED, or ERROR when the",
                "registry cannot be reached) is written to gkm.verifications with an audit",
                "event, in one Kafka transaction. Each instance needs its own GKM_INSTANCE.",
                "The pipeline topics must exist (gkm topics create). SIGTERM or Ctrl-C stops",
                "it cleanly. Exits 2 on bad configuration."})
final class VerifierCommand extends ConfiguredCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KafkaPropertyOption kafkaProperty;
    /** Every setting the verifier reads: the shared ones, the policies, the registry's, the Sigstore trust. */
    static final List<Setting<?>> SETTINGS = Stream.of(Settings.all(), List.<Setting<?>>of(IngestSettings.POLICIES),
            RegistrySettings.all(), VerifierSettings.all()).flatMap(List::stream).toList();

    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws InterruptedException {
        GkmConfig config = config();
        if (config.find(IngestSettings.POLICIES).isEmpty()) {
            throw new ConfigException(List.of(IngestSettings.POLICIES.envVar() + " (" + IngestSettings.POLICIES.flag()
                    + "): not set; the verifier verifies with these Kyverno policies: give a file or folder of "
                    + "ClusterPolicy YAML (e.g. /etc/gkm/policies in deploy)"));
        }
        VerifierStage.timing(config); // a GKM_VERIFY_TIMEOUT that does not fit exits 2 before the broker is asked
        List<ClusterPolicy> policies = policies(config);
        PrintWriter out = spec.commandLine().getOut();
        KafkaClientFactory kafka = KafkaClientFactory.from(config);
        Topics topics = StageCommands.existingTopics(config, kafka, VerificationHandler.STAGE, t -> Stream.concat(
                VerificationHandler.inputs(t).stream(), Stream.of(t.verifications(), t.audit(), t.dlq())).toList());
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        try (StopSignal stop = StopSignal.install(VerificationHandler.STAGE);
             MetricsServer metrics = StageCommands.startMetrics(config, registry);
             StageLoop stage = start(config, policies, kafka, topics, registry)) {
            out.printf("verifier  %s%n", describe(config, policies, topics));
            StageCommands.printReady(out, config, topics, metrics);
            while (!stop.await(StageCommands.FAILURE_CHECK)) {
                StageCommands.throwIfFailed(stage);
            }
            out.println("stopping");
            out.flush();
        }
        return 0;
    }

    /**
     * The policies of GKM_POLICIES, which must be set.
     *
     * @throws ConfigException when they cannot be loaded, with the loader's reason
     */
    static List<ClusterPolicy> policies(GkmConfig config) {
        try {
            return IngestSettings.loadPolicies(config);
        } catch (PolicyLoadException e) {
            throw new ConfigException(List.of(IngestSettings.POLICIES.envVar() + ": " + e.getMessage()));
        }
    }

    /** The verifier stage of {@code policies}, running on a thread of its own. */
    static StageLoop start(GkmConfig config, List<ClusterPolicy> policies, KafkaClientFactory kafka, Topics topics,
            MeterRegistry registry) {
        StageLoop stage = VerifierStage.loop(config, kafka, topics, VerifierStage.verifier(config, policies), registry);
        stage.start();
        return stage;
    }

    /** What the stage reads and writes, and with which policies. */
    static String describe(GkmConfig config, List<ClusterPolicy> policies, Topics topics) {
        return String.join(", ", VerificationHandler.inputs(topics)) + " -> " + topics.verifications() + " with "
                + policies.size() + " policies from " + String.join(", ", config.get(IngestSettings.POLICIES));
    }

}
