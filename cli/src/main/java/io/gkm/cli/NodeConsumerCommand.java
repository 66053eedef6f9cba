package io.gkm.cli;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.nodeconsumer.NodeConsumerStage;
import io.gkm.nodeconsumer.install.InstallHandler;
import io.gkm.nodeconsumer.inventory.InventoryPublisher;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.verifier.oci.RegistrySettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

@Command(name = "node-consumer", mixinStandardHelpOptions = true,
        header = "Runs a GPU node's node-consumer: gkm.jobs.<cluster>.<node> -> caches on disk.",
        description = {"Runs the node-consumer of one node (GKM_NODE_NAME): reads the node's own jobs",
                "topic as its own consumer group, pulls each cache image by digest, unpacks it",
                "safely under GKM_CACHE_DIR as GKM lays caches out, and writes an InstallResult",
                "and an audit event per job, in one Kafka transaction. Publishes the node's",
                "ROCm GPUs (from GKM_SYSFS_ROOT) to gkm.nodes at start and every",
                "GKM_INVENTORY_INTERVAL. Creates the node's jobs topic when it is missing (or,",
                "if not allowed to, waits for the dispatcher to create it); the other pipeline",
                "topics must exist (gkm topics create). SIGTERM or Ctrl-C stops it after its",
                "current job. Exits 2 on bad configuration."})
final class NodeConsumerCommand extends ConfiguredCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KafkaPropertyOption kafkaProperty;
    /** Every setting the node-consumer reads: the shared ones, the registry's, its own. */
    static final List<Setting<?>> SETTINGS = Stream.of(Settings.all(), RegistrySettings.all(),
            NodeConsumerSettings.all()).flatMap(List::stream).toList();

    @Override
    List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public Integer call() throws InterruptedException {
        GkmConfig config = config();
        checkPaths(config);
        PrintWriter out = spec.commandLine().getOut();
        KafkaClientFactory kafka = KafkaClientFactory.from(config);
        Topics topics = StageCommands.existingTopics(config, kafka, InstallHandler.STAGE,
                t -> List.of(t.installResults(), t.nodes(), t.audit(), t.dlq()));
        NodeConsumerStage.Identity identity = NodeConsumerStage.Identity.of(config, topics);
        boolean jobsTopic = NodeConsumerStage.ensureJobsTopic(kafka, topics, identity.cluster(), identity.node());
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        try (StopSignal stop = StopSignal.install(InstallHandler.STAGE);
             MetricsServer metrics = StageCommands.startMetrics(config, registry);
             NodeConsumerStage stage = NodeConsumerStage.start(identity, StageLoop.Timing.from(config),
                     config.get(NodeConsumerSettings.SYSFS_ROOT), NodeConsumerStage.limits(config),
                     NodeConsumerStage.registry(config), config.get(NodeConsumerSettings.INVENTORY_INTERVAL), kafka,
                     topics, registry)) {
            out.printf("node      %s of cluster %s: %s%n", identity.node(), identity.cluster(),
                    InventoryPublisher.describe(stage.inventory().gpus()));
            out.printf("jobs      %s%s -> %s as group %s%n", topics.jobs(identity.cluster(), identity.node()),
                    jobsTopic ? "" : " (not there yet: waiting for the dispatcher to create it)",
                    topics.installResults(), identity.spec().groupId(topics.prefix()));
            out.printf("caches    %s%n", identity.layout().root());
            StageCommands.printReady(out, config, topics, metrics);
            while (!stop.await(StageCommands.FAILURE_CHECK)) {
                StageCommands.throwIfFailed(stage.loop());
            }
            out.println("stopping");
            out.flush();
        }
        return 0;
    }

    /**
     * The node name must make a node key; sysfs must be a folder; the cache root must be a folder
     * this process can write (made when missing), else the exit code is 2 with what to fix.
     */
    static void checkPaths(GkmConfig config) {
        List<String> problems = new ArrayList<>();
        String node = NodeConsumerSettings.nodeName(config);
        try {
            ResourceKey.nodeKey(config.get(Settings.CLUSTER), node);
        } catch (IllegalArgumentException e) {
            problems.add(NodeConsumerSettings.NODE_NAME.envVar() + ": " + e.getMessage());
        }
        Path sysfs = config.get(NodeConsumerSettings.SYSFS_ROOT);
        if (!Files.isDirectory(sysfs)) {
            problems.add(NodeConsumerSettings.SYSFS_ROOT.envVar() + " (" + NodeConsumerSettings.SYSFS_ROOT.flag()
                    + "): " + sysfs + " is not a folder; mount the node's /sys (read-only) there");
        }
        Path root = config.get(NodeConsumerSettings.CACHE_DIR);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            problems.add(NodeConsumerSettings.CACHE_DIR.envVar() + " (" + NodeConsumerSettings.CACHE_DIR.flag()
                    + "): cannot create " + root + ": " + e);
        }
        if (Files.isDirectory(root) && !Files.isWritable(root)) {
            problems.add(NodeConsumerSettings.CACHE_DIR.envVar() + " (" + NodeConsumerSettings.CACHE_DIR.flag()
                    + "): " + root + " is not writable by this process; mount the host folder read-write and run "
                    + "as its owner (or a group that may write it)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
