package io.gkm.nodeconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.nodeconsumer.extract.TarBuilder;
import io.gkm.nodeconsumer.gpu.SysfsTree;
import io.gkm.nodeconsumer.install.CacheInstaller;
import io.gkm.nodeconsumer.install.InstallHandler;
import io.gkm.nodeconsumer.install.Jobs;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.Descriptor;
import io.gkm.verifier.oci.McvImage;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.oci.MediaTypes;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RetryPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-consumer stage on a real broker (testkit KRaft) and a real registry (Debian's
 * docker-registry): jobs in on the node's own topic, caches on disk under a temp root, results,
 * audit events, inventory and dead letters out.
 */
@WithKafka
@WithOciRegistry
class NodeConsumerIT {
    private static final String CLUSTER = "c1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = EventCodec.INSTANCE;

    @TempDir
    Path tmp;

    private NodeConsumerStage stage;

    @AfterEach
    void stop() throws InterruptedException {
        if (stage != null) {
            stage.close();
        }
    }

    private record Node(String name, Topics topics, CacheLayout layout, KafkaClientFactory kafka) {
    }

    /** A node-consumer for a node whose sysfs shows {@code sysfs}, with pipeline topics of its own prefix. */
    private Node start(KafkaCluster kafka, String nodeName, java.util.function.Consumer<SysfsTree> sysfs) {
        return start(kafka, nodeName, sysfs, Duration.ofMinutes(5));
    }

    private Node start(KafkaCluster kafka, String nodeName, java.util.function.Consumer<SysfsTree> sysfs,
                       Duration inventoryInterval) {
        Topics topics = new Topics(kafka.uniqueName("nc") + ".", 1, (short) 1);
        new TopicAdmin(kafka.admin()).create(topics.pipelineTopics());
        Path sys = tmp.resolve(nodeName + "-sys");
        sysfs.accept(new SysfsTree(sys));
        CacheLayout layout = new CacheLayout(tmp.resolve(nodeName + "-caches"));
        KafkaClientFactory clients = new KafkaClientFactory(kafka.bootstrapServers(), Map.of());
        assertThat(NodeConsumerStage.ensureJobsTopic(clients, topics, CLUSTER, nodeName)).isTrue();
        StageSpec spec = new StageSpec(InstallHandler.STAGE, CLUSTER, nodeName,
                InstallHandler.inputs(topics, CLUSTER, nodeName), CLUSTER + "." + nodeName);
        RegistryClient registry = RegistryClient.builder()
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1)))
                .timeout(Duration.ofSeconds(5)).build();
        stage = NodeConsumerStage.start(new NodeConsumerStage.Identity(CLUSTER, nodeName, spec, layout,
                        new CacheLayout(tmp.resolve(nodeName + "-usage"))),
                new StageLoop.Timing(Duration.ofMillis(200), 500, Duration.ofSeconds(30), Duration.ofMillis(200)),
                sys, new ExtractLimits(64L << 20, 10_000, 200), registry, inventoryInterval, clients, topics,
                new SimpleMeterRegistry());
        return new Node(nodeName, topics, layout, clients);
    }

    private static void mi210(SysfsTree t) {
        t.cpuNode(0).gpuNode(1, 53011, 90010, 64, 29711, 0x5fa3c2b1L).driverVersion("6.7.0");
    }

    private static void mi300x(SysfsTree t) {
        t.cpuNode(0).gpuNode(1, 4242, 90402, 64, 0x74a1, 0x77aa01L);
    }

    private static void send(Node node, InstallJob job) {
        Emitter dispatcher = new Emitter("dispatcher", CLUSTER, "it", node.topics(), CODEC, Clock.systemUTC());
        try (KafkaProducer<String, byte[]> producer = node.kafka().producer("it-dispatcher")) {
            producer.send(dispatcher.chainStart(new Outbound(node.topics().jobs(CLUSTER, node.name()),
                    job.getResourceKey(), job))).get();
        } catch (Exception e) {
            throw new AssertionError("could not send " + job, e);
        }
    }

    private static <T> List<T> events(KafkaCluster kafka, String topic, Class<T> type) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("read")), topic);
        return records.stream().map(r -> CODEC.decode(topic, r.value())).filter(type::isInstance).map(type::cast).toList();
    }

    private static InstallResult resultOf(KafkaCluster kafka, Node node, InstallJob job) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
                () -> events(kafka, node.topics().installResults(), InstallResult.class).stream()
                        .filter(r -> r.getJobId().equals(job.getJobId())).findFirst(), Optional::isPresent).get();
    }

    private static AuditEvent auditOf(KafkaCluster kafka, Node node, InstallJob job) {
        return events(kafka, node.topics().audit(), AuditEvent.class).stream()
                .filter(a -> job.getJobId().equals(a.getDetails().get("jobId"))).findFirst().orElseThrow();
    }

    private static ImageReference repository(OciRegistry registry, String name) {
        return ImageReference.parse(registry.hostPort() + "/" + registry.uniqueRepository(name) + ":v1");
    }

    private static InstallJob job(Node node, JobAction action, ResourceKey key, PushedImage image) {
        return Jobs.job(action, node.layout(), key, CLUSTER, node.name(),
                image.registry() + "/" + image.repository(), image.digest());
    }

    private static List<String> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void installsAlreadyPresentRefusesHostileAndMisaddressedJobsRemovesAndDeadLettersGarbage(KafkaCluster kafka,
            OciRegistry registry) throws Exception {
        Node node = start(kafka, "gpu-a", NodeConsumerIT::mi210);
        RegistryClient pusher = RegistryClient.builder().build();
        McvImage image = McvImageBuilder.create().kernel("add_kernel", new McvLabels.Target("hip", "gfx90a", 64))
                .kernel("mul_kernel", new McvLabels.Target("hip", "gfx942", 64)).build();
        PushedImage pushed = image.push(pusher, repository(registry, "gkm/nc-cache"));
        ResourceKey key = ResourceKey.namespaced(CLUSTER, "team-a", "GKMCache", "vector-add");

        // INSTALL: pulled by digest, unpacked under the root, cache.json written.
        InstallJob install = job(node, JobAction.INSTALL, key, pushed);
        send(node, install);
        InstallResult installed = resultOf(kafka, node, install);
        assertThat(installed.getOutcome()).as(String.valueOf(installed.getError())).isEqualTo(InstallOutcome.INSTALLED);
        Path digestDir = node.layout().digestDir(key, pushed.digest());
        List<String> files = filesUnder(digestDir);
        assertThat(files).contains("io.triton.manifest/manifest.json").hasSize(9);
        assertThat(installed.getFiles()).isEqualTo(9);
        long bytes = 0;
        for (String f : files) {
            bytes += Files.size(digestDir.resolve(f));
        }
        assertThat(installed.getBytes()).isEqualTo(bytes);
        assertThat(installed.getError()).isNull();
        JsonNode cacheJson = JSON.readTree(node.layout().metadataFile(key).toFile());
        assertThat(cacheJson.path("resolvedDigest").asText()).isEqualTo(pushed.digest().toString());
        assertThat(cacheJson.path("image").asText()).isEqualTo(pushed.byDigest().toString());
        assertThat(cacheJson.path("sizes").path(pushed.digest().toString()).asLong()).isEqualTo(bytes);
        AuditEvent installAudit = auditOf(kafka, node, install);
        assertThat(installAudit.getAction()).isEqualTo("install");
        assertThat(installAudit.getOutcome()).isEqualTo("INSTALLED");
        assertThat(installAudit.getStage()).isEqualTo("node-consumer");
        assertThat(installAudit.getResourceKey()).isEqualTo(key.toString());

        // The same digest again: nothing pulled, ALREADY_PRESENT.
        InstallJob again = job(node, JobAction.INSTALL, key, pushed);
        send(node, again);
        assertThat(resultOf(kafka, node, again).getOutcome()).isEqualTo(InstallOutcome.ALREADY_PRESENT);

        // A layer with a symlink out of the cache: FAILED, nothing in its digest folder, staging emptied.
        McvImage hostile = withLayer(image, new TarBuilder().dir("io.triton.cache")
                .file("io.triton.cache/ok.json", "{}").symlink("io.triton.cache/evil", "../../../../etc").tarGz());
        PushedImage hostilePushed = hostile.push(pusher, repository(registry, "gkm/nc-hostile"));
        ResourceKey hostileKey = ResourceKey.clusterScoped(CLUSTER, "ClusterGKMCache", "hostile");
        InstallJob hostileJob = job(node, JobAction.INSTALL, hostileKey, hostilePushed);
        send(node, hostileJob);
        InstallResult refused = resultOf(kafka, node, hostileJob);
        assertThat(refused.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(refused.getError()).contains("symbolic link").contains("io.triton.cache/evil");
        assertThat(node.layout().digestDir(hostileKey, hostilePushed.digest())).doesNotExist();
        assertThat(node.layout().root().resolve(CacheInstaller.STAGING_DIR)).isEmptyDirectory();
        assertThat(auditOf(kafka, node, hostileJob).getOutcome()).isEqualTo("FAILED");

        // A job whose target path is not the cache's digest folder: FAILED before anything is pulled.
        InstallJob misaddressed = job(node, JobAction.INSTALL, key, pushed);
        misaddressed.setTargetPath(tmp.resolve("elsewhere").toString());
        send(node, misaddressed);
        assertThat(resultOf(kafka, node, misaddressed).getError()).contains("is not the cache's digest folder");
        assertThat(tmp.resolve("elsewhere")).doesNotExist();

        // A registry that does not answer: FAILED with the reason (not retried, see CacheInstaller).
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PushedImage unreachable = new PushedImage("127.0.0.1:" + closedPort, "gkm/gone", "v1", pushed.digest());
        InstallJob dead = job(node, JobAction.INSTALL, ResourceKey.namespaced(CLUSTER, "team-a", "GKMCache", "gone"),
                unreachable);
        send(node, dead);
        InstallResult deadResult = resultOf(kafka, node, dead);
        assertThat(deadResult.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(deadResult.getError()).contains("registry unavailable").contains("127.0.0.1:" + closedPort);

        // A record that is not an event at all: dead-lettered, and the stage goes on.
        try (KafkaProducer<String, byte[]> producer = node.kafka().producer("it-garbage")) {
            producer.send(new ProducerRecord<>(node.topics().jobs(CLUSTER, node.name()), key.toString(),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }

        // REMOVE: the digest folder, cache.json and the empty namespace folder go.
        InstallJob remove = job(node, JobAction.REMOVE, key, pushed);
        send(node, remove);
        InstallResult removed = resultOf(kafka, node, remove);
        assertThat(removed.getOutcome()).isEqualTo(InstallOutcome.REMOVED);
        assertThat(removed.getFiles()).isEqualTo(9);
        assertThat(removed.getBytes()).isEqualTo(bytes);
        assertThat(digestDir).doesNotExist();
        assertThat(node.layout().metadataFile(key)).doesNotExist();

        List<DeadLetter> letters = events(kafka, node.topics().dlq(), DeadLetter.class);
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.getOriginalTopic()).isEqualTo(node.topics().jobs(CLUSTER, node.name()));
            assertThat(l.getStage()).isEqualTo("node-consumer");
        });
        assertThat(events(kafka, node.topics().audit(), AuditEvent.class))
                .anySatisfy(a -> assertThat(a.getOutcome()).isEqualTo("DEAD_LETTERED"));

        // The inventory: the node's GPUs, keyed <cluster>/<node> on gkm.nodes, audited once at start.
        List<ConsumerRecord<byte[], byte[]>> inventories = TopicContents.readAll(
                kafka.readCommittedConsumerProps(kafka.uniqueName("read")), node.topics().nodes());
        assertThat(inventories).isNotEmpty().allSatisfy(r ->
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(ResourceKey.nodeKey(CLUSTER, "gpu-a")));
        NodeInventory inventory = CODEC.decode(node.topics().nodes(), inventories.get(0).value(), NodeInventory.class);
        assertThat(inventory.getGpus()).singleElement().satisfies(g -> {
            assertThat(g.getArch()).isEqualTo("gfx90a");
            assertThat(g.getWarpSize()).isEqualTo(64);
            assertThat(g.getBackend()).isEqualTo("hip");
            assertThat(g.getIds()).containsExactly("0x5fa3c2b1");
            assertThat(g.getDriverVersion()).isEqualTo("6.7.0");
        });
        assertThat(events(kafka, node.topics().audit(), AuditEvent.class).stream()
                .filter(a -> a.getAction().equals("inventory"))).singleElement()
                .satisfies(a -> assertThat(a.getOutcome()).isEqualTo("REPORTED"));
    }

    @Test
    void anImageIndexAndAnImageWithoutCacheLabelsAreFailedWithTheReason(KafkaCluster kafka, OciRegistry registry)
            throws Exception {
        Node node = start(kafka, "gpu-e", NodeConsumerIT::mi210);
        RegistryClient pusher = RegistryClient.builder().build();
        McvImage cache = McvImageBuilder.create().build();
        ImageReference target = repository(registry, "gkm/nc-index");
        PushedImage platform = cache.push(pusher, target);
        var index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
        index.putArray("manifests").addObject().put("mediaType", MediaTypes.OCI_MANIFEST)
                .put("digest", platform.digest().toString()).put("size", cache.manifest().length)
                .putObject("platform").put("os", "linux").put("architecture", "amd64");
        Digest indexDigest = pusher.pushManifest(target.withTag("index"), MediaTypes.OCI_INDEX,
                JSON.writeValueAsBytes(index));
        InstallJob indexJob = job(node, JobAction.INSTALL, ResourceKey.namespaced(CLUSTER, "team-e", "GKMCache", "index"),
                new PushedImage(platform.registry(), platform.repository(), "index", indexDigest));
        send(node, indexJob);
        assertThat(resultOf(kafka, node, indexJob).getError()).contains("is an image index");

        byte[] plainConfig = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":\"b\"}}}"
                .getBytes(StandardCharsets.UTF_8);
        McvImage unlabelled = withConfig(cache, plainConfig);
        PushedImage plain = unlabelled.push(pusher, repository(registry, "gkm/nc-plain"));
        InstallJob plainJob = job(node, JobAction.INSTALL, ResourceKey.namespaced(CLUSTER, "team-e", "GKMCache", "plain"),
                plain);
        send(node, plainJob);
        InstallResult result = resultOf(kafka, node, plainJob);
        assertThat(result.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(result.getError()).contains("is not an MCV cache image");
        assertThat(node.layout().root().resolve("team-e")).doesNotExist();
    }

    @Test
    void aNodeOfAnotherArchSkipsTheCacheAsIncompatible(KafkaCluster kafka, OciRegistry registry) throws Exception {
        Node node = start(kafka, "gpu-b", NodeConsumerIT::mi300x);
        PushedImage pushed = McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                repository(registry, "gkm/nc-gfx90a"));
        ResourceKey key = ResourceKey.namespaced(CLUSTER, "team-b", "GKMCache", "vector-add");
        InstallJob install = job(node, JobAction.INSTALL, key, pushed);
        send(node, install);
        InstallResult result = resultOf(kafka, node, install);
        assertThat(result.getOutcome()).isEqualTo(InstallOutcome.SKIPPED_INCOMPATIBLE);
        assertThat(result.getError()).isEqualTo("node gpu-b has hip gfx942 warp 64 (1 GPU); the cache was built for "
                + "hip gfx90a warp 64");
        assertThat(node.layout().cacheDir(key)).doesNotExist();
        assertThat(auditOf(kafka, node, install).getOutcome()).isEqualTo("SKIPPED_INCOMPATIBLE");
    }

    @Test
    void installsTheRealGkmRocmImagePushedBySkopeo(KafkaCluster kafka, OciRegistry registry) throws Exception {
        Path archive = Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar");
        String repository = registry.uniqueRepository("gkm/cache-examples");
        registry.pushDockerArchive(archive, repository, "vector-add-cache-rocm");
        Digest digest = Digest.parse(registry.resolve(repository, "vector-add-cache-rocm").orElseThrow());
        Node node = start(kafka, "gpu-c", NodeConsumerIT::mi210);
        ResourceKey key = ResourceKey.clusterScoped(CLUSTER, "ClusterGKMCache", "vector-add-cache-rocm");
        InstallJob install = Jobs.job(JobAction.INSTALL, node.layout(), key, CLUSTER, "gpu-c",
                registry.hostPort() + "/" + repository, digest);
        send(node, install);
        InstallResult result = resultOf(kafka, node, install);
        assertThat(result.getOutcome()).as(String.valueOf(result.getError())).isEqualTo(InstallOutcome.INSTALLED);
        Path digestDir = node.layout().root().resolve("cluster-scoped/vector-add-cache-rocm/" + digest);
        assertThat(filesUnder(digestDir)).hasSize(11).contains("io.triton.manifest/manifest.json",
                "io.triton.cache/MCELTMXFCSPAMZYLZ3C3WPPYYVTVR4QOYNE52X3X6FIH7Z6N6X5A/add_kernel.hsaco");
        assertThat(result.getFiles()).isEqualTo(11);
        assertThat(Files.readAllBytes(digestDir.resolve(
                "io.triton.cache/MCELTMXFCSPAMZYLZ3C3WPPYYVTVR4QOYNE52X3X6FIH7Z6N6X5A/add_kernel.hsaco")))
                .isEqualTo(Files.readAllBytes(Fixtures.path("gkm/mcv/example/vector-add-cache-rocm/"
                        + "MCELTMXFCSPAMZYLZ3C3WPPYYVTVR4QOYNE52X3X6FIH7Z6N6X5A/add_kernel.hsaco")));
        assertThat(node.layout().root().resolve("cluster-scoped/vector-add-cache-rocm/cache.json")).isRegularFile();
    }

    @Test
    void theInventoryIsPublishedEveryIntervalAndAuditedWhenTheGpusChangeOrDiscoveryFails(KafkaCluster kafka) {
        Node node = start(kafka, "gpu-d", NodeConsumerIT::mi210, Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(30)).until(() -> events(kafka, node.topics().nodes(), NodeInventory.class)
                .size() >= 2);
        // A second GPU appears (hot-plugged, or the driver came up late).
        new SysfsTree(tmp.resolve("gpu-d-sys")).gpuNode(2, 1233, 90010, 64, 29711, 0x5fa3c2b2L);
        await().atMost(Duration.ofSeconds(30)).until(() -> events(kafka, node.topics().nodes(), NodeInventory.class)
                .stream().anyMatch(i -> i.getGpus().get(0).getIds().size() == 2));
        // Then a properties file turns unreadable: the last inventory stays, the failure is audited once.
        SysfsTree.write(tmp.resolve("gpu-d-sys/class/kfd/kfd/topology/nodes/2/properties"), "simd_count many\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> inventoryAudits(kafka, node).size() >= 3);
        List<AuditEvent> audits = inventoryAudits(kafka, node);
        assertThat(audits).extracting(AuditEvent::getOutcome).containsExactly("REPORTED", "REPORTED", "FAILED");
        assertThat(audits.get(1).getReason()).isEqualTo("GPUs changed, were: hip gfx90a warp 64 x1 [0x5fa3c2b1] "
                + "driver 6.7.0");
        assertThat(audits.get(2).getReason()).contains("nodes/2/properties: line 1");
        assertThat(stage.inventory().gpus().get(0).getIds()).hasSize(2);
    }

    private static List<AuditEvent> inventoryAudits(KafkaCluster kafka, Node node) {
        return events(kafka, node.topics().audit(), AuditEvent.class).stream()
                .filter(a -> a.getAction().equals("inventory")).toList();
    }

    /** {@code base}'s config (its MCV labels) with {@code layer} as its only layer. */
    private static McvImage withLayer(McvImage base, byte[] layer) throws IOException {
        return image(base.config(), layer, base.labels());
    }

    /** {@code base}'s layer with another config. */
    private static McvImage withConfig(McvImage base, byte[] config) throws IOException {
        return image(config, base.layer(), base.labels());
    }

    private static McvImage image(byte[] configBytes, byte[] layer, McvLabels labels) throws IOException {
        var manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
        Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, configBytes);
        Descriptor layerDescriptor = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, layer);
        manifest.putObject("config").put("mediaType", config.mediaType()).put("digest", config.digest().toString())
                .put("size", config.size());
        manifest.putArray("layers").addObject().put("mediaType", layerDescriptor.mediaType())
                .put("digest", layerDescriptor.digest().toString()).put("size", layerDescriptor.size());
        return new McvImage(JSON.writeValueAsBytes(manifest), configBytes, layer, labels);
    }
}
