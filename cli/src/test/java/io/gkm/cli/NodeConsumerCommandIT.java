package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.ImageReference;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the built jar as a DaemonSet pod would ({@code java -jar gkm.jar node-consumer}) on a real
 * broker and registry, with a fake sysfs (an MI210, gfx90a) and a cache root in a temp folder.
 */
@WithKafka
@WithOciRegistry
class NodeConsumerCommandIT {
    @TempDir
    Path dir;

    /** A KFD topology with one gfx90a GPU (node 1) beside the CPU (node 0). */
    private Path sysfs(String gpuProperties) throws IOException {
        Path sys = dir.resolve("sys");
        Path nodes = Files.createDirectories(sys.resolve("class/kfd/kfd/topology/nodes"));
        Files.createDirectories(nodes.resolve("0"));
        Files.writeString(nodes.resolve("0/properties"), "cpu_cores_count 16\nsimd_count 0\ngfx_target_version 0\n");
        Files.createDirectories(nodes.resolve("1"));
        Files.writeString(nodes.resolve("1/properties"), gpuProperties);
        Files.writeString(nodes.resolve("1/gpu_id"), "53011\n");
        return sys;
    }

    private static final String MI210 = "cpu_cores_count 0\nsimd_count 416\nwave_front_size 64\n"
            + "gfx_target_version 90010\nvendor_id 4098\ndevice_id 29711\nunique_id 6891256369\n";

    @Test
    void installsAJobOfItsOwnTopicServesMetricsAndStopsCleanlyOnSigterm(KafkaCluster kafka, OciRegistry registry)
            throws Exception {
        String prefix = kafka.uniqueName("nodeconsumer") + ".";
        assertThat(Gkm.commandLine(Map.of()).execute("topics", "create", "--bootstrap", kafka.bootstrapServers(),
                "--topic-prefix", prefix, "--topic-partitions", "1")).isZero();
        Topics topics = new Topics(prefix, 1, (short) 1);
        Path caches = dir.resolve("caches");
        int metricsPort = GkmProcess.freePort();
        PushedImage image = McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                ImageReference.parse(registry.hostPort() + "/" + registry.uniqueRepository("gkm/nc-cli") + ":rocm"));

        GkmProcess consumer = GkmProcess.start(List.of("node-consumer"), Map.of(
                "GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix,
                "GKM_CLUSTER", "it",
                "GKM_NODE_NAME", "gpu-node-1",
                "GKM_SYSFS_ROOT", sysfs(MI210).toString(),
                "GKM_CACHE_DIR", caches.toString(),
                "GKM_METRICS_PORT", String.valueOf(metricsPort)), "ready;");
        boolean stopped;
        InstallJob job;
        try {
            assertThat(consumer.startup()).contains("node      gpu-node-1 of cluster it: hip gfx90a warp 64 x1 "
                    + "[0x19ac03a31]");
            assertThat(consumer.startup()).contains("jobs      " + prefix + "jobs.it.gpu-node-1 -> " + prefix
                    + "install-results as group " + prefix + "node-consumer.it.gpu-node-1");
            ResourceKey key = ResourceKey.namespaced("it", "team-a", "GKMCache", "vector-add");
            job = InstallJob.newBuilder().setAction(JobAction.INSTALL).setJobId(UUID.randomUUID().toString())
                    .setAttempt(1).setResourceKey(key.toString()).setCluster("it").setNode("gpu-node-1")
                    .setImage(image.byDigest().toString()).setDigest(image.digest().toString())
                    .setTargetPath(new CacheLayout(caches).digestDir(key, image.digest()).toString())
                    .setCreatedAt(Instant.now()).build();
            Emitter dispatcher = new Emitter("dispatcher", "it", "it-dispatcher", topics, EventCodec.INSTANCE,
                    Clock.systemUTC());
            try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                    .producer("it-dispatcher")) {
                producer.send(dispatcher.chainStart(new Outbound(topics.jobs("it", "gpu-node-1"), key.toString(), job)))
                        .get();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> !results(kafka, topics).isEmpty());
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("gkm_stage_records_out_total{stage=\"node-consumer\"} 1.0");
        } finally {
            stopped = consumer.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm node-consumer stops on SIGTERM").isTrue();
        assertThat(consumer.exitValue()).isIn(0, 143);
        assertThat(consumer.rest()).contains("stopping");
        InstallResult result = results(kafka, topics).get(0);
        assertThat(result.getJobId()).isEqualTo(job.getJobId());
        assertThat(result.getOutcome()).as(String.valueOf(result.getError())).isEqualTo(InstallOutcome.INSTALLED);
        assertThat(caches.resolve("team-a/vector-add/cache.json")).isRegularFile();
    }

    @Test
    void refusesToStartOnBadConfigurationWithExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cl = Gkm.commandLine(Map.of("GKM_SYSFS_ROOT", dir.resolve("no-such-sys").toString(),
                "GKM_CACHE_DIR", dir.resolve("caches").toString(), "GKM_NODE_NAME", "bad/node",
                "GKM_EXTRACT_MAX_BYTES", "lots"));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("node-consumer")).isEqualTo(2);
        assertThat(err.toString()).contains("GKM_EXTRACT_MAX_BYTES: expected a positive size in bytes");

        StringWriter err2 = new StringWriter();
        CommandLine paths = Gkm.commandLine(Map.of("GKM_SYSFS_ROOT", dir.resolve("no-such-sys").toString(),
                "GKM_CACHE_DIR", dir.resolve("caches").toString(), "GKM_NODE_NAME", "bad/node"));
        paths.setErr(new PrintWriter(err2));
        assertThat(paths.execute("node-consumer")).isEqualTo(2);
        assertThat(err2.toString()).contains("GKM_NODE_NAME: node 'bad/node' must not contain '/'")
                .contains("GKM_SYSFS_ROOT (--sysfs-root): " + dir.resolve("no-such-sys") + " is not a folder");
    }

    @Test
    void malformedSysfsStopsItWithTheFileNamedAndNoStackTrace(KafkaCluster kafka) throws IOException {
        String prefix = kafka.uniqueName("nodeconsumer") + ".";
        assertThat(Gkm.commandLine(Map.of()).execute("topics", "create", "--bootstrap", kafka.bootstrapServers(),
                "--topic-prefix", prefix, "--topic-partitions", "1")).isZero();
        Path sys = sysfs("simd_count 416\nwave_front_size 64\ngfx_target_version gfx90a\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Gkm.commandLine(Map.of("GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix, "GKM_NODE_NAME", "gpu-node-2", "GKM_SYSFS_ROOT", sys.toString(),
                "GKM_CACHE_DIR", dir.resolve("caches").toString(), "GKM_METRICS_PORT", "0"));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("node-consumer")).isEqualTo(1);
        assertThat(err.toString()).contains("gkm node-consumer: " + sys.resolve("class/kfd/kfd/topology/nodes/1/properties")
                + ": line 3 is not '<name> <unsigned number>': 'gfx_target_version gfx90a'").doesNotContain("\tat ");
    }

    private static List<InstallResult> results(KafkaCluster kafka, Topics topics) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("reader")), topics.installResults())
                .stream().map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), InstallResult.class)).toList();
    }
}
