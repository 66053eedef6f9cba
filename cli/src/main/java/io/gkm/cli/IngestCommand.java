package io.gkm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.ingest.Ingest;
import io.gkm.ingest.IngestSettings;
import io.gkm.ingest.admission.InlineVerify;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.schemas.Topics;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistrySettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        header = "Runs the admission webhook and the resource watches against a cluster.",
        description = {"Runs ingest: GKM's admission webhook (HTTPS) recording every decision on Kafka, and the watches",
                "of GKMCache and ClusterGKMCache, against the cluster of the kubeconfig (KUBECONFIG, else",
                "~/.kube/config) or, in a pod, of its service account. Of several replicas, the one holding the",
                "Lease GKM_LEADER_LEASE_NAME runs the watches; all serve the webhook. The pipeline topics must exist",
                "(gkm topics create). The webhook verifies ClusterGKMCaches itself with the Kyverno policies of",
                "GKM_POLICIES (GKM_INLINE_VERIFY). SIGTERM or Ctrl-C stops it cleanly. Exits 2 on bad configuration."})
final class IngestCommand extends ConfiguredCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KafkaPropertyOption kafkaProperty;
    /** Every setting ingest reads: the shared ones, the webhook's and watches', the registry's, the verifier's trust. */
    static final List<Setting<?>> SETTINGS = Stream.of(Settings.all(), IngestSettings.all(), RegistrySettings.all(),
            VerifierSettings.all()).flatMap(List::stream).toList();

    /** How long the API server has to answer before ingest gives up starting. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(10);
    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String> problems = new ArrayList<>(tlsProblems());
        GkmConfig config = null;
        try {
            config = config();
            IngestSettings.missingPolicies(config, IngestSettings.kyvernoVerification(config, env))
                    .ifPresent(problems::add);
            IngestSettings.leaderTimingProblem(config).ifPresent(problems::add);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        Optional<KubernetesAccess.Target> target = Optional.empty();
        try {
            target = KubernetesAccess.configured(env);
            if (target.isEmpty()) {
                problems.add("Kubernetes: " + KubernetesAccess.notConfigured(env));
            }
        } catch (IllegalArgumentException e) {
            problems.add("Kubernetes: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        KubernetesAccess.Target api = target.orElseThrow();
        KubernetesAccess.unanswered(api, API_TIMEOUT).ifPresent(reason -> {
            throw new IllegalStateException("cannot watch the cluster: " + reason);
        });
        return run(config, api);
    }

    private int run(GkmConfig config, KubernetesAccess.Target api) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        KafkaClientFactory kafka = KafkaClientFactory.from(config);
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        Ingest.Wiring wiring = new Ingest.Wiring(config, IngestSettings.kyvernoVerification(config, env),
                new Ingest.TlsFiles(config.get(IngestSettings.WEBHOOK_TLS_CERT), config.get(IngestSettings.WEBHOOK_TLS_KEY)),
                kafka, existingTopics(config, kafka), registry);
        try (StopSignal stop = StopSignal.install("ingest");
             KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(api.config()).build();
             Ingest ingest = Ingest.start(wiring, Optional.of(kubernetes));
             MetricsServer metrics = StageCommands.startMetrics(config, registry)) {
            out.printf("webhook   https://%s:%d (Kyverno verification %s)%n", config.get(IngestSettings.WEBHOOK_HOST),
                    ingest.webhookPort(), wiring.verification().enabled() ? "on" : "off: tags resolved in the registry");
            out.printf("inline    %s%n", inlineLine(config, wiring.verification()));
            out.printf("watches   %s%n", watchLine(config, api));
            out.printf("leader    %s%n", leaderLine(ingest));
            StageCommands.printReady(out, config, wiring.topics(), metrics);
            while (!stop.await(StageCommands.FAILURE_CHECK)) {
                if (ingest.failure().isPresent()) {
                    throw ingest.failure().get();
                }
            }
            out.println("stopping");
            out.flush();
        }
        return 0;
    }

    /** What the webhook verifies itself (GKM_INLINE_VERIFY), and with what. */
    static String inlineLine(GkmConfig config, KyvernoVerification verification) {
        InlineVerify inline = config.get(IngestSettings.INLINE_VERIFY);
        if (!verification.enabled()) {
            return "off: Kyverno verification is off, so nothing is verified at admission";
        }
        if (!inline.on()) {
            return "off (" + IngestSettings.INLINE_VERIFY.envVar() + "=off): ClusterGKMCache denied, as in GKM";
        }
        String kinds = inline == InlineVerify.ALL ? "GKMCache and ClusterGKMCache" : "ClusterGKMCache";
        return config.find(IngestSettings.POLICIES)
                .map(paths -> kinds + " verified by the webhook with the policies of " + String.join(", ", paths)
                        + " within " + config.get(IngestSettings.INLINE_VERIFY_TIMEOUT).toMillis() + " ms")
                .orElse(kinds + " denied: " + IngestSettings.POLICIES.envVar() + " is not set, so no policy verifies it");
    }

    static String watchLine(GkmConfig config, KubernetesAccess.Target api) {
        return "GKMCache in " + config.find(IngestSettings.WATCH_NAMESPACES).map(ns -> "namespaces " + String.join(", ", ns))
                .orElse("all namespaces") + " and ClusterGKMCache, of " + api.describe();
    }

    /** Who runs the watches: whichever ingest holds their Lease, or this one without asking. */
    static String leaderLine(Ingest ingest) {
        return ingest.leaderElection().map(e -> "Lease " + e.lease() + " as " + e.identity()
                        + ": the watches run while this ingest holds it, the webhook always")
                .orElse("off (" + IngestSettings.LEADER_ELECTION.envVar() + "=false): the watches run here, so no "
                        + "other ingest of this cluster may run");
    }

    /** The pipeline topics as configured, checked to exist: ingest writes admissions, audit and resources. */
    private static Topics existingTopics(GkmConfig config, KafkaClientFactory kafka) {
        return StageCommands.existingTopics(config, kafka, "ingest", t -> List.of(t.admissions(), t.audit(), t.resources()));
    }

    /** The webhook serves HTTPS only: both files must be given and readable. */
    private List<String> tlsProblems() {
        List<String> problems = new ArrayList<>();
        for (Setting<?> file : List.of(IngestSettings.WEBHOOK_TLS_CERT, IngestSettings.WEBHOOK_TLS_KEY)) {
            String text = givenText(file);
            if (text == null) {
                problems.add(file.envVar() + " (" + file.flag() + "): not set; the webhook serves HTTPS only, "
                        + "give it a PEM file (e.g. from the Secret of a cert-manager Certificate)");
            } else if (!Files.isReadable(Path.of(text))) {
                problems.add(file.envVar() + " (" + file.flag() + "): cannot read " + text);
            }
        }
        return problems;
    }
}
