package io.gkm.nodeconsumer.inventory;

import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.nodeconsumer.gpu.GpuDiscoveryException;
import io.gkm.nodeconsumer.gpu.GpuScan;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.NodeInventory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's GPUs to {@code gkm.nodes} (compacted, keyed {@code <cluster>/<node>}) at
 * start and every GKM_INVENTORY_INTERVAL, each time read from sysfs again, with an audit entry
 * (action {@code inventory}) the first time and whenever the GPUs change or discovery starts or
 * stops failing. Inventory and audit event go in one Kafka transaction of their own transactional
 * id ({@code <stage's transactional id>.inventory}). A discovery that fails later keeps the last
 * good inventory for the installer and on the topic, and is audited as FAILED with the file named.
 */
public final class InventoryPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryPublisher.class);
    /** Audit action of inventory entries. */
    public static final String ACTION = "inventory";

    private final Supplier<GpuScan> discovery;
    private final KafkaClientFactory kafka;
    private final String transactionalId;
    private final Duration transactionTimeout;
    private final Emitter emitter;
    private final Topics topics;
    private final String cluster;
    private final String node;
    private final Clock clock;
    private final AtomicReference<List<Gpu>> current;
    private final ScheduledExecutorService timer;
    /** Used on the timer thread only. */
    private KafkaProducer<String, byte[]> producer;
    /** What was last audited: the GPUs, or a discovery error; used on the timer thread only. */
    private Object lastAudited;

    /**
     * @param first              the scan made at start, already checked (a failing first scan stops the command)
     * @param transactionTimeout the stage's (GKM_STAGE_TRANSACTION_TIMEOUT)
     */
    public InventoryPublisher(GpuScan first, Supplier<GpuScan> discovery, KafkaClientFactory kafka,
                              String transactionalId, Duration transactionTimeout, Emitter emitter, Topics topics,
                              String cluster, String node, Clock clock) {
        this.discovery = discovery;
        this.kafka = kafka;
        this.transactionalId = transactionalId;
        this.transactionTimeout = transactionTimeout;
        this.emitter = emitter;
        this.topics = topics;
        this.cluster = cluster;
        this.node = node;
        this.clock = clock;
        this.current = new AtomicReference<>(first.gpus());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gkm-node-consumer-inventory"));
    }

    /** The GPUs last discovered without error. */
    public List<Gpu> gpus() {
        return current.get();
    }

    /** Publishes now and then every {@code interval}. */
    public void start(Duration interval) {
        timer.scheduleWithFixedDelay(this::publishSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void publishSafely() {
        try {
            publish(scan());
        } catch (RuntimeException e) {
            // Kafka unavailable or refusing: the next round tries again with a new producer.
            LOG.warn("node {}: could not publish the inventory to {}, will retry in the next round: {}", node,
                    topics.nodes(), e.getMessage());
            closeProducer(Duration.ZERO);
        }
    }

    /** A scan, or the discovery error. */
    private Object scan() {
        try {
            GpuScan scan = discovery.get();
            scan.warnings().forEach(w -> LOG.warn("node {}: {}", node, w));
            current.set(scan.gpus());
            return scan;
        } catch (GpuDiscoveryException e) {
            LOG.error("node {}: GPU discovery failed, keeping the last inventory: {}", node, e.getMessage());
            return e.getMessage();
        }
    }

    /** Writes the inventory (unless discovery failed) and, when something changed, its audit entry. */
    void publish(Object scanOrError) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        String key = ResourceKey.nodeKey(cluster, node);
        String correlationId = null;
        if (scanOrError instanceof GpuScan scan) {
            NodeInventory inventory = NodeInventory.newBuilder().setCluster(cluster).setNode(node)
                    .setGpus(scan.gpus()).setReportedAt(clock.instant()).build();
            ProducerRecord<String, byte[]> record = emitter.chainStart(new Outbound(topics.nodes(), key, inventory));
            correlationId = CloudEventHeaders.read(record.headers()).id();
            records.add(record);
        }
        Object audited = scanOrError instanceof GpuScan scan ? scan.gpus() : scanOrError;
        boolean changed = !Objects.equals(audited, lastAudited);
        if (changed) {
            // A failed discovery publishes no inventory: its audit event starts a chain of its own.
            String chain = correlationId != null ? correlationId : UUID.randomUUID().toString();
            records.add(emitter.audit(audit(scanOrError, key), chain, correlationId));
        }
        if (records.isEmpty()) {
            return;
        }
        if (producer == null) {
            producer = kafka.transactionalProducer(transactionalId, (int) transactionTimeout.toMillis());
            producer.initTransactions();
        }
        producer.beginTransaction();
        records.forEach(producer::send);
        producer.commitTransaction();
        lastAudited = audited;
    }

    private AuditEntry audit(Object scanOrError, String key) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("node", node);
        if (scanOrError instanceof GpuScan scan) {
            details.put("gpus", describe(scan.gpus()));
            if (!scan.warnings().isEmpty()) {
                details.put("warnings", String.join("; ", scan.warnings()));
            }
            String reason = lastAudited == null ? "first inventory of this node-consumer"
                    : "GPUs changed, were: " + (lastAudited instanceof List<?> before ? describeAny(before)
                            : "unknown (discovery failed: " + lastAudited + ")");
            return new AuditEntry(ACTION, "REPORTED", reason, key, details);
        }
        return new AuditEntry(ACTION, "FAILED", (String) scanOrError, key, details);
    }

    private static String describeAny(List<?> gpus) {
        return describe(gpus.stream().map(Gpu.class::cast).toList());
    }

    /** E.g. {@code hip gfx90a warp 64 x2 [0x1a, 0x1b]}; {@code none} for no GPU. */
    public static String describe(List<Gpu> gpus) {
        if (gpus.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (Gpu g : gpus) {
            parts.add(g.getBackend() + " " + g.getArch() + " warp " + g.getWarpSize() + " x" + g.getIds().size()
                    + " " + g.getIds() + (g.getDriverVersion() == null ? "" : " driver " + g.getDriverVersion()));
        }
        return String.join(", ", parts);
    }

    private void closeProducer(Duration timeout) {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }

    /** Stops publishing; a round under way finishes first. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
            timer.shutdownNow();
        }
        closeProducer(Duration.ofSeconds(5));
    }
}
