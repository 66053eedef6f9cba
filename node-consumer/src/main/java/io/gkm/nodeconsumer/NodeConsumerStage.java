package io.gkm.nodeconsumer;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.nodeconsumer.gpu.GpuScan;
import io.gkm.nodeconsumer.gpu.SysfsGpuDiscovery;
import io.gkm.nodeconsumer.install.CacheInstaller;
import io.gkm.nodeconsumer.install.InstallHandler;
import io.gkm.nodeconsumer.inventory.InventoryPublisher;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistryLimit;
import io.gkm.verifier.oci.RegistryLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the node-consumer of one node: its {@link InventoryPublisher}, and its {@link InstallHandler}
 * in a {@link StageLoop} on the node's own jobs topic, started once that topic exists.
 *
 * <ul>
 *   <li>Consumer group {@code <prefix>node-consumer.<cluster>.<node>}: each node its own group, so
 *       that nodes never rebalance each other. Transactional id
 *       {@code <prefix>node-consumer.<cluster>.<instance>}, the instance being GKM_INSTANCE or else
 *       the node name (not the pod name), so a restarted pod on the node fences its predecessor
 *       and aborts its open transaction at once.</li>
 *   <li>One job a transaction (max.poll.records 1): the handler pulls and unpacks before anything
 *       is sent, so the transaction is open only for the writes and the commit, however long an
 *       install takes; a job never waits for another's download inside an open transaction.</li>
 * </ul>
 */
public final class NodeConsumerStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeConsumerStage.class);

    /** How often a node-consumer whose jobs topic does not exist yet looks for it. */
    static final Duration TOPIC_CHECK = Duration.ofSeconds(2);

    private final Identity identity;
    private final StageLoop loop;
    private final InventoryPublisher inventory;
    private final Thread consumer;
    private final CountDownLatch stopping = new CountDownLatch(1);

    /** Who this node-consumer is: its cluster, node, stage identity, cache root and GKM's usage root. */
    public record Identity(String cluster, String node, StageSpec spec, CacheLayout layout, CacheLayout usage) {
        public static Identity of(GkmConfig config, Topics topics) {
            String cluster = config.get(Settings.CLUSTER);
            String node = NodeConsumerSettings.nodeName(config);
            String instance = config.find(Settings.INSTANCE).orElse(node);
            StageSpec spec = new StageSpec(InstallHandler.STAGE, cluster, instance,
                    InstallHandler.inputs(topics, cluster, node), cluster + "." + node);
            return new Identity(cluster, node, spec, new CacheLayout(config.get(NodeConsumerSettings.CACHE_DIR)),
                    new CacheLayout(config.get(NodeConsumerSettings.USAGE_DIR)));
        }
    }

    private NodeConsumerStage(Identity identity, StageLoop loop, InventoryPublisher inventory,
                              KafkaClientFactory kafka, String jobsTopic) {
        this.identity = identity;
        this.loop = loop;
        this.inventory = inventory;
        this.consumer = new Thread(() -> {
            awaitTopic(kafka, jobsTopic);
            loop.run(); // returns at once when stopped meanwhile
        }, "gkm-" + InstallHandler.STAGE);
    }

    /**
     * Waits until the jobs topic exists, or a stop. A consumer must not subscribe to it before:
     * asking the broker for a topic that does not exist is asking to create it, which a node's
     * Kafka user may not (TOPIC_AUTHORIZATION_FAILED would stop the stage). Nothing ends the wait
     * but the topic or a stop: a thread that died here would leave the stage ready and idle.
     */
    private void awaitTopic(KafkaClientFactory kafka, String topic) {
        boolean told = false;
        try {
            while (stopping.getCount() > 0) {
                try (Admin admin = kafka.admin("gkm-node-consumer-wait")) {
                    // Listing needs only Describe on the topic (describing would need DescribeConfigs too).
                    if (new TopicAdmin(admin).list(topic).contains(topic)) {
                        return;
                    }
                    if (!told) {
                        LOG.info("waiting for {} to be created (by the dispatcher, once it has this node's inventory)",
                                topic);
                        told = true;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("cannot tell whether {} exists yet, will look again: {}", topic, e.getMessage());
                }
                if (stopping.await(TOPIC_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Identity identity() {
        return identity;
    }

    public StageLoop loop() {
        return loop;
    }

    public InventoryPublisher inventory() {
        return inventory;
    }

    /** The extraction limits of GKM_EXTRACT_MAX_*. */
    public static ExtractLimits limits(GkmConfig config) {
        return new ExtractLimits(config.get(NodeConsumerSettings.EXTRACT_MAX_BYTES),
                config.get(NodeConsumerSettings.EXTRACT_MAX_FILES), config.get(NodeConsumerSettings.EXTRACT_MAX_RATIO));
    }

    /** A registry client with the GKM_REGISTRY_* settings whose layer downloads are bounded by GKM_EXTRACT_MAX_BYTES. */
    public static RegistryClient registry(GkmConfig config) {
        return RegistryClient.builder().configure(config)
                .limits(RegistryLimits.defaults().with(RegistryLimit.LAYER_BYTES,
                        config.get(NodeConsumerSettings.EXTRACT_MAX_BYTES)))
                .build();
    }

    /**
     * Creates the node's jobs topic when it does not exist yet, so that the node is ready for jobs
     * before the dispatcher has seen its inventory (the dispatcher creates it too; whoever is first
     * wins, the other finds it). A broker that refuses (no Create ACL for this node's user) is not
     * an error: the consumer then waits for the dispatcher to create it.
     *
     * @return true when the topic exists now
     */
    public static boolean ensureJobsTopic(KafkaClientFactory kafka, Topics topics, String cluster, String node) {
        try (Admin admin = kafka.admin("gkm-node-consumer-topics")) {
            new TopicAdmin(admin).create(List.of(topics.jobsTopic(cluster, node)));
            return true;
        } catch (IllegalStateException e) {
            LOG.warn("could not create {} ({}); waiting for the dispatcher to create it", topics.jobs(cluster, node),
                    e.getMessage());
            return false;
        }
    }

    /**
     * Starts the stage: reads the GPUs (a malformed sysfs stops it here, with the file named),
     * clears the staging folder, starts publishing the inventory and consuming jobs.
     *
     * @throws io.gkm.nodeconsumer.gpu.GpuDiscoveryException when sysfs does not read as amdkfd writes it
     * @throws UncheckedIOException when the cache root cannot be written
     */
    public static NodeConsumerStage start(Identity identity, StageLoop.Timing timing, Path sysfsRoot,
                                          ExtractLimits limits, RegistryClient registry, Duration inventoryInterval,
                                          KafkaClientFactory kafka, Topics topics, MeterRegistry meters) {
        SysfsGpuDiscovery discovery = new SysfsGpuDiscovery(sysfsRoot);
        GpuScan first = discovery.scan();
        Emitter emitter = new Emitter(identity.spec().name(), identity.cluster(), identity.spec().instance(), topics,
                EventCodec.INSTANCE, Clock.systemUTC());
        InventoryPublisher inventory = new InventoryPublisher(first, discovery::scan, kafka,
                identity.spec().transactionalId(topics.prefix()) + ".inventory", timing.transactionTimeout(), emitter,
                topics, identity.cluster(), identity.node(), Clock.systemUTC());
        CacheInstaller installer = new CacheInstaller(identity.layout(), identity.usage(), registry, limits,
                inventory::gpus, identity.node());
        try {
            installer.clearStaging();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + identity.layout().root().resolve(CacheInstaller.STAGING_DIR)
                    + ": " + e.getMessage(), e);
        }
        StageLoop loop = new StageLoop(identity.spec(), oneJobATransaction(timing), kafka, topics.prefix(), EventCodec.INSTANCE,
                emitter, new InstallHandler(installer, topics, identity.cluster(), identity.node(), Clock.systemUTC()),
                meters);
        inventory.start(inventoryInterval);
        NodeConsumerStage stage = new NodeConsumerStage(identity, loop, inventory, kafka,
                topics.jobs(identity.cluster(), identity.node()));
        stage.consumer.start();
        return stage;
    }

    /** {@code timing} with one record a batch, whatever GKM_STAGE_MAX_POLL_RECORDS says (see the class comment). */
    static StageLoop.Timing oneJobATransaction(StageLoop.Timing timing) {
        return new StageLoop.Timing(timing.pollTimeout(), 1, timing.transactionTimeout(), timing.retryBackoff());
    }

    /** Stops consuming (after the current job's transaction) and publishing. */
    @Override
    public void close() throws InterruptedException {
        stopping.countDown();
        try {
            loop.close();
        } finally {
            inventory.close();
        }
    }
}
