package io.gkm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gkm.audit.stage.AuditLedgerStage;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.stage.DispatcherStage;
import io.gkm.dispatcher.status.CacheNodeStatusWriter;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.nodeconsumer.NodeConsumerStage;
import io.gkm.nodeconsumer.inventory.InventoryPublisher;
import io.gkm.cli.dev.DevTls;
import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.ingest.Ingest;
import io.gkm.ingest.IngestSettings;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.schemas.Topics;
import io.gkm.verifier.policy.ClusterPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;

@Command(name = "dev", mixinStandardHelpOptions = true,
        header = "Runs the pipeline in one process on an embedded Kafka, for development.",
        description = {"Runs the pipeline in one process on an embedded single-node KRaft Kafka:",
                "broker on 127.0.0.1 (data kept under <dev.data.dir>/kafka), all pipeline topics, /metrics,",
                "the admission webhook on https://localhost:<webhook.port> (a self-signed certificate is made",
                "under <dev.data.dir>/tls unless GKM_WEBHOOK_TLS_CERT/KEY name one), the watches when a",
                "Kubernetes cluster answers, the verifier stage when GKM_POLICIES names policies, the dispatcher",
                "(its status projection when a cluster answers and GKM_DISPATCHER_STATUS allows), the audit ledger,",
                "and a node-consumer for this machine when GKM_NODE_NAME is set. Ctrl-C (or SIGTERM) stops it."})
final class DevCommand extends ConfiguredCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KafkaPropertyOption kafkaProperty;
    /** Every setting dev reads: ingest's and the verifier's, the dispatcher's, a node-consumer's. */
    static final List<Setting<?>> SETTINGS = Stream.of(IngestCommand.SETTINGS, DispatcherSettings.all(),
            NodeConsumerSettings.all()).flatMap(List::stream).distinct().toList();

    /** How long a Kubernetes API server has to answer before dev runs without the watches. */
    static final Duration CLUSTER_PROBE_TIMEOUT = Duration.ofSeconds(3);
    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws InterruptedException {
        GkmConfig config = config();
        // Loaded before anything starts, so that a bad policy file stops dev at once.
        Optional<List<ClusterPolicy>> policies = config.find(IngestSettings.POLICIES)
                .map(paths -> VerifierCommand.policies(config));
        boolean node = config.find(NodeConsumerSettings.NODE_NAME).isPresent();
        if (node) {
            NodeConsumerCommand.checkPaths(config);
        }
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        Path dataDir = config.get(Settings.DEV_DATA_DIR);
        Path kafkaDir = dataDir.resolve("kafka");
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        try (StopSignal stop = StopSignal.install("dev");
             EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, config.get(Settings.DEV_KAFKA_PORT), Duration.ofSeconds(60));
             Admin admin = new KafkaClientFactory(kafka.bootstrapServers(), config.kafkaPassThrough()).admin("gkm-dev");
             MetricsServer metrics = StageCommands.startMetrics(config, registry)) {
            TopicAdmin topicAdmin = new TopicAdmin(admin);
            Topics topics = TopicsCommand.pipelineTopics(config, topicAdmin);
            long created = topicAdmin.create(topics.pipelineTopics()).stream().filter(c -> !c.existed()).count();
            out.printf("kafka     %s (data: %s)%n", kafka.bootstrapServers(), kafkaDir);
            out.printf("topics    %d pipeline topics with prefix '%s' (%d created now); see: gkm topics describe --bootstrap %s%n",
                    topics.pipelineTopics().size(), topics.prefix(), created, kafka.bootstrapServers());
            out.printf("metrics   %s%n", metrics == null ? "off (GKM_METRICS_PORT=0)"
                    : "http://" + config.get(Settings.METRICS_HOST) + ":" + metrics.port() + "/metrics");
            out.flush();
            Ingest.TlsFiles tls = webhookTls(config, dataDir.resolve("tls"), out);
            KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), config.kafkaPassThrough());
            Ingest.Wiring wiring = new Ingest.Wiring(config, IngestSettings.kyvernoVerification(config, env), tls,
                    clients, topics, registry);
            Optional<KubernetesAccess.Target> cluster = reachableCluster(out);
            StageLoop.Timing timing = StageLoop.Timing.from(config);
            try (KubernetesClient kubernetes = cluster.map(c -> new KubernetesClientBuilder().withConfig(c.config()).build())
                    .orElse(null);
                 Ingest ingest = Ingest.start(wiring, Optional.ofNullable(kubernetes));
                 StageLoop verifier = policies.map(p -> VerifierCommand.start(config, p, clients, topics, registry))
                         .orElse(null);
                 AuditLedgerStage ledger = AuditLedgerStage.of(config, clients, topics, registry);
                 DispatcherStage dispatcher = startDispatcher(config, node, timing, clients, topics, registry);
                 KubernetesClient statusClient = cluster.filter(c -> config.get(DispatcherSettings.STATUS))
                         .map(c -> new KubernetesClientBuilder().withConfig(CacheNodeStatusWriter.clientConfig(c.config()))
                                 .build()).orElse(null);
                 StageLoop status = statusClient == null ? null : DispatcherStage.startStatus(StageSpec.of(config,
                         StatusHandler.STAGE, StatusHandler.inputs(topics)), timing, clients, topics, statusClient,
                         registry);
                 NodeConsumerStage nodeConsumer = node ? startNode(config, clients, topics, registry) : null) {
                ledger.start();
                out.printf("webhook   https://localhost:%d (Kyverno verification %s); e.g. curl --cacert %s "
                        + "https://localhost:%d/healthz%n", ingest.webhookPort(), wiring.verification().enabled() ? "on"
                        : "off: tags resolved in the registry", tls.cert(), ingest.webhookPort());
                out.printf("inline    %s%n", IngestCommand.inlineLine(config, wiring.verification()));
                cluster.ifPresent(c -> out.printf("watches   %s%nleader    %s%n", IngestCommand.watchLine(config, c),
                        IngestCommand.leaderLine(ingest)));
                out.printf("verifier  %s%n", policies.map(p -> VerifierCommand.describe(config, p, topics))
                        .orElse("off: " + IngestSettings.POLICIES.envVar() + " is not set, so no policy to verify with"));
                out.printf("dispatch  %s -> %s<cluster>.<node>; status %s%n", String.join(", ",
                        DispatchHandler.inputs(topics)), topics.jobsPrefix(), status != null ? "onto GKMCacheNode status"
                        : cluster.isEmpty() ? "off: no Kubernetes cluster reachable"
                        : "off (" + DispatcherSettings.STATUS.envVar() + "=false)");
                out.printf("node      %s%n", nodeConsumer == null ? "off: " + NodeConsumerSettings.NODE_NAME.envVar()
                        + " is not set (set it, with GKM_SYSFS_ROOT and GKM_CACHE_DIR, to serve this machine as a node)"
                        : nodeConsumer.identity().node() + ": " + InventoryPublisher.describe(nodeConsumer.inventory().gpus())
                        + ", caches in " + nodeConsumer.identity().layout().root());
                out.printf("audit     %s -> %s%n", topics.audit(), topics.auditLedger());
                List<String> running = new ArrayList<>(List.of("ingest"));
                if (verifier != null) {
                    running.add("verifier");
                }
                running.addAll(List.of("dispatcher", "audit"));
                if (nodeConsumer != null) {
                    running.add("node-consumer");
                }
                out.printf("stages    %s running%n", String.join(", ", running));
                out.printf("ready in %.1f s; Ctrl-C stops%n", (System.nanoTime() - started) / 1e9);
                out.flush();
                while (!stop.await(StageCommands.FAILURE_CHECK)) {
                    if (ingest.failure().isPresent()) {
                        throw ingest.failure().get();
                    }
                    for (StageLoop loop : Arrays.asList(verifier, status, nodeConsumer == null ? null : nodeConsumer.loop())) {
                        if (loop != null) {
                            StageCommands.throwIfFailed(loop);
                        }
                    }
                    dispatcher.throwIfFailed();
                    if (ledger.failure().isPresent()) {
                        throw new IllegalStateException("the audit ledger stopped: " + ledger.failure().get().getMessage(),
                                ledger.failure().get());
                    }
                }
                out.println("stopping");
                out.flush();
            }
        }
        return 0;
    }

    /**
     * The dispatcher; with a node-consumer of dev's own, its jobs name folders under that
     * node-consumer's GKM_CACHE_DIR, which refuses any other target path.
     */
    private static DispatcherStage startDispatcher(GkmConfig config, boolean node, StageLoop.Timing timing,
            KafkaClientFactory clients, Topics topics, PrometheusMeterRegistry registry) throws InterruptedException {
        StageSpec spec = StageSpec.of(config, DispatchHandler.STAGE, DispatchHandler.inputs(topics));
        Duration catchUp = config.get(DispatcherSettings.CATCH_UP_TIMEOUT);
        return node ? DispatcherStage.start(spec, timing, catchUp, clients, topics, registry,
                new CacheLayout(config.get(NodeConsumerSettings.CACHE_DIR)))
                : DispatcherStage.start(spec, timing, catchUp, clients, topics, registry);
    }

    /** This machine's node-consumer (GKM_NODE_NAME, GKM_SYSFS_ROOT, GKM_CACHE_DIR), with its jobs topic. */
    private static NodeConsumerStage startNode(GkmConfig config, KafkaClientFactory clients, Topics topics,
            PrometheusMeterRegistry registry) {
        NodeConsumerStage.Identity identity = NodeConsumerStage.Identity.of(config, topics);
        NodeConsumerStage.ensureJobsTopic(clients, topics, identity.cluster(), identity.node());
        return NodeConsumerStage.start(identity, StageLoop.Timing.from(config),
                config.get(NodeConsumerSettings.SYSFS_ROOT), NodeConsumerStage.limits(config),
                NodeConsumerStage.registry(config), config.get(NodeConsumerSettings.INVENTORY_INTERVAL), clients, topics,
                registry);
    }

    /** GKM_WEBHOOK_TLS_CERT and _KEY when both are set, else dev's own self-signed pair. */
    private static Ingest.TlsFiles webhookTls(GkmConfig config, Path tlsDir, PrintWriter out) {
        Optional<Path> cert = config.find(IngestSettings.WEBHOOK_TLS_CERT);
        Optional<Path> key = config.find(IngestSettings.WEBHOOK_TLS_KEY);
        if (cert.isPresent() && key.isPresent()) {
            return new Ingest.TlsFiles(cert.get(), key.get());
        }
        DevTls.Pair pair = DevTls.inDirectory(tlsDir, Clock.systemUTC());
        out.printf("tls       %s self-signed certificate for localhost (%s, key %s)%n",
                pair.generated() ? "made a" : "reusing the", pair.cert(), pair.key());
        return new Ingest.TlsFiles(pair.cert(), pair.key());
    }

    /** The cluster of the kubeconfig (or pod), if its API server answers in time; else says why not. */
    private Optional<KubernetesAccess.Target> reachableCluster(PrintWriter out) {
        Optional<String> reason;
        Optional<KubernetesAccess.Target> target = Optional.empty();
        try {
            target = KubernetesAccess.configured(env);
            reason = target.isEmpty() ? Optional.of(KubernetesAccess.notConfigured(env))
                    : KubernetesAccess.unanswered(target.get(), CLUSTER_PROBE_TIMEOUT);
        } catch (IllegalArgumentException e) {
            reason = Optional.of(e.getMessage());
        }
        if (reason.isPresent()) {
            out.printf("watches   off: no Kubernetes cluster reachable (%s)%n", reason.get());
            out.flush();
            return Optional.empty();
        }
        return target;
    }

}
