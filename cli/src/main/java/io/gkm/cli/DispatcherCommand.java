package io.gkm.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.dispatcher.routing.DispatchHandler;
import io.gkm.dispatcher.stage.DispatcherStage;
import io.gkm.dispatcher.status.CacheNodeStatusWriter;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

@Command(name = "dispatcher", mixinStandardHelpOptions = true,
        header = "Runs the dispatcher: gkm.verifications + gkm.nodes -> each node's jobs topic.",
        description = {"Runs the dispatcher as a Kafka stage: each VERIFIED cache becomes one INSTALL",
                "job, pinned by digest, on the own topic of every node whose GPUs it fits",
                "(created on first use); nodes that report later get the caches already",
                "verified, and a deleted cache a REMOVE job; every decision is audited, in one",
                "Kafka transaction. With GKM_DISPATCHER_STATUS (default) it also writes",
                "gkm.install-results onto GKMCacheNode / ClusterGKMCacheNode status in the",
                "kubeconfig's cluster (or, in a pod, its own). Each instance needs its own",
                "GKM_INSTANCE. The pipeline topics must exist (gkm topics create). SIGTERM or",
                "Ctrl-C stops it cleanly. Exits 2 on bad configuration."})
final class DispatcherCommand extends ConfiguredCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KafkaPropertyOption kafkaProperty;
    /** Every setting the dispatcher reads: the shared ones and its own. */
    static final List<Setting<?>> SETTINGS = Stream.of(Settings.all(), DispatcherSettings.all())
            .flatMap(List::stream).toList();

    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        GkmConfig config = null;
        try {
            config = config();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        Optional<KubernetesAccess.Target> api = Optional.empty();
        if (config != null && config.get(DispatcherSettings.STATUS)) {
            try {
                api = KubernetesAccess.configured(env);
                if (api.isEmpty()) {
                    problems.add("Kubernetes: " + KubernetesAccess.notConfigured(env) + "; install results are "
                            + "written onto GKMCacheNode status there, or set " + DispatcherSettings.STATUS.envVar()
                            + "=false to dispatch jobs only");
                }
            } catch (IllegalArgumentException e) {
                problems.add("Kubernetes: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return run(config, api);
    }

    private int run(GkmConfig config, Optional<KubernetesAccess.Target> api) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        KafkaClientFactory kafka = KafkaClientFactory.from(config);
        Topics topics = StageCommands.existingTopics(config, kafka, DispatchHandler.STAGE, t -> used(t, api.isPresent()));
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        StageLoop.Timing timing = StageLoop.Timing.from(config);
        try (StopSignal stop = StopSignal.install(DispatchHandler.STAGE);
             MetricsServer metrics = StageCommands.startMetrics(config, registry);
             DispatcherStage stage = DispatcherStage.start(
                     StageSpec.of(config, DispatchHandler.STAGE, DispatchHandler.inputs(topics)), timing,
                     config.get(DispatcherSettings.CATCH_UP_TIMEOUT), kafka, topics, registry);
             KubernetesClient kubernetes = api.map(a -> new KubernetesClientBuilder()
                     .withConfig(CacheNodeStatusWriter.clientConfig(a.config())).build()).orElse(null);
             StageLoop status = kubernetes == null ? null : DispatcherStage.startStatus(
                     StageSpec.of(config, StatusHandler.STAGE, StatusHandler.inputs(topics)), timing, kafka, topics,
                     kubernetes, registry)) {
            out.printf("dispatch  %s -> %s<cluster>.<node>, state in %s%n",
                    String.join(", ", DispatchHandler.inputs(topics)), topics.jobsPrefix(), topics.dispatcherState());
            out.printf("status    %s%n", api.map(a -> topics.installResults() + " -> GKMCacheNode status at "
                    + a.describe()).orElse("off (" + DispatcherSettings.STATUS.envVar() + "=false)"));
            StageCommands.printReady(out, config, topics, metrics);
            while (!stop.await(StageCommands.FAILURE_CHECK)) {
                stage.throwIfFailed();
                if (status != null) {
                    StageCommands.throwIfFailed(status);
                }
            }
            out.println("stopping");
            out.flush();
        }
        return 0;
    }

    /** The topics the dispatcher reads and writes (jobs topics apart: it creates them). */
    static List<String> used(Topics t, boolean status) {
        List<String> used = new ArrayList<>(DispatchHandler.inputs(t));
        used.addAll(List.of(t.dispatcherState(), t.audit(), t.dlq()));
        if (status) {
            used.addAll(StatusHandler.inputs(t));
        }
        return used;
    }
}
