package io.gkm.cli.demo;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.core.stage.StageLoop;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.nodeconsumer.NodeConsumerStage;
import io.gkm.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** The real node-consumer stage, once for each simulated node, each with its own sysfs and cache root. */
final class RunningNodes implements AutoCloseable {
    /** One running node: what it simulates and its stage. */
    record RunningNode(SimulatedNode node, NodeConsumerStage stage, Path sysfs, Path caches) {
    }

    private final List<RunningNode> nodes;

    private RunningNodes(List<RunningNode> nodes) {
        this.nodes = nodes;
    }

    /**
     * Writes each node's sysfs under {@code <layout>/nodes/<name>/sysfs} and starts its stage with
     * the configuration {@code configOf} gives for GKM_NODE_NAME, GKM_SYSFS_ROOT and GKM_CACHE_DIR.
     */
    static RunningNodes start(List<SimulatedNode> simulated, DemoLayout layout,
            Function<SimulatedNode, GkmConfig> configOf, KafkaClientFactory kafka, Topics topics) {
        List<RunningNode> started = new ArrayList<>();
        RunningNodes running = new RunningNodes(started);
        try {
            for (SimulatedNode node : simulated) {
                GkmConfig config = configOf.apply(node);
                Path sysfs = node.writeSysfs(config.get(NodeConsumerSettings.SYSFS_ROOT));
                NodeConsumerStage.Identity identity = NodeConsumerStage.Identity.of(config, topics);
                NodeConsumerStage.ensureJobsTopic(kafka, topics, identity.cluster(), identity.node());
                NodeConsumerStage stage = NodeConsumerStage.start(identity, StageLoop.Timing.from(config), sysfs,
                        NodeConsumerStage.limits(config), NodeConsumerStage.registry(config),
                        config.get(NodeConsumerSettings.INVENTORY_INTERVAL), kafka, topics, MetricsServer.newRegistry());
                started.add(new RunningNode(node, stage, sysfs, identity.layout().root()));
            }
        } catch (RuntimeException e) {
            try {
                running.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        return running;
    }

    List<RunningNode> nodes() {
        return nodes;
    }

    /** Why a node's stage stopped on its own, if one did. */
    Optional<String> failure() {
        return nodes.stream().flatMap(n -> n.stage().loop().failure().stream()
                .map(f -> n.node().name() + ": the node-consumer stopped: " + f.getMessage())).findFirst();
    }

    /** What a folder holds: its files (not folders) and their bytes. */
    record Disk(long files, long bytes) {
    }

    /** The files under a node's cache root and their bytes. */
    static Disk disk(Path caches) {
        if (!Files.isDirectory(caches)) {
            return new Disk(0, 0);
        }
        try (Stream<Path> all = Files.walk(caches)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            return new Disk(files.size(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + caches + ": " + e.getMessage(), e);
        }
    }

    /** One image's digest folder on a node, relative to the cache root, and what it holds. */
    record DigestFolder(Path relative, Disk disk) {
    }

    /** The digest folders under a node's cache root ({@code <namespace | cluster-scoped>/<name>/<digest>}), sorted. */
    static List<DigestFolder> digestFolders(Path caches) {
        if (!Files.isDirectory(caches)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.walk(caches, 3)) {
            return dirs.filter(d -> Files.isDirectory(d) && caches.relativize(d).getNameCount() == 3
                            && d.getFileName().toString().startsWith("sha256:"))
                    .sorted().map(d -> new DigestFolder(caches.relativize(d), disk(d))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + caches + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (RunningNode n : nodes) {
            n.stage().close();
        }
    }
}
