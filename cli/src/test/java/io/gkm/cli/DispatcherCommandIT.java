package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.ingest.model.GKMCacheNode;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the built jar as a pod would ({@code java -jar gkm.jar dispatcher}) on a real broker, its
 * status projection against fabric8's API server (CRUD mode) named by a kubeconfig; stops it with
 * SIGTERM.
 */
@WithKafka
@EnableKubernetesMockClient(crud = true, https = false)
class DispatcherCommandIT {
    private static final String KEY = "it/team-a/GKMCache/vector-add";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theDispatcherSendsAJobToTheCompatibleNodeProjectsResultsServesMetricsAndStopsOnSigterm(KafkaCluster kafka)
            throws Exception {
        String prefix = kafka.uniqueName("dispatcher") + ".";
        assertThat(Gkm.commandLine(Map.of()).execute("topics", "create", "--bootstrap", kafka.bootstrapServers(),
                "--topic-prefix", prefix, "--topic-partitions", "1")).isZero();
        Topics topics = new Topics(prefix, 1, (short) 1);
        send(kafka, topics.nodes(), "it/gpu-a", node("gpu-a", "gfx90a"));
        send(kafka, topics.nodes(), "it/gpu-b", node("gpu-b", "gfx942"));
        int metricsPort = GkmProcess.freePort();

        GkmProcess dispatcher = GkmProcess.start(List.of("dispatcher"), Map.of(
                "KUBECONFIG", Kubeconfig.forMockServer(dir, client).toString(),
                "GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix,
                "GKM_CLUSTER", "it",
                "GKM_INSTANCE", "it-dispatcher-0",
                "GKM_METRICS_PORT", String.valueOf(metricsPort)), "ready;");
        boolean stopped;
        try {
            assertThat(dispatcher.startup()).contains("dispatch  " + prefix + "verifications, " + prefix + "resources, "
                    + prefix + "nodes -> " + prefix + "jobs.<cluster>.<node>, state in " + prefix + "dispatcher.state");
            assertThat(dispatcher.startup()).anyMatch(l -> l.startsWith("status    " + prefix
                    + "install-results -> GKMCacheNode status at " + client.getConfiguration().getMasterUrl()));
            // The node reports are read first (nothing verified yet), so none is read after the verdict
            // and gives its node the job a second time.
            await().atMost(Duration.ofSeconds(60)).until(() -> TopicContents.readAll(
                    kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.audit()).size() == 2);
            send(kafka, topics.verifications(), KEY, VerificationResult.newBuilder()
                    .setVerdict(Verdict.VERIFIED).setResourceKey(KEY).setImage("quay.io/gkm/vector-add-cache:rocm")
                    .setImageDigest(DIGEST).setSignatureFormat(SignatureFormat.COSIGN_V3).setPolicyName("p")
                    .setCacheTargets(List.of(new CacheTarget("hip", "gfx90a", 64))).setVerifiedAt(Instant.now())
                    .build());
            send(kafka, topics.installResults(), KEY, InstallResult.newBuilder()
                    .setOutcome(InstallOutcome.INSTALLED).setJobId("job-1").setAttempt(1).setResourceKey(KEY)
                    .setCluster("it").setNode("gpu-a").setDigest(DIGEST).setBytes(10).setFiles(1)
                    .setDurationMillis(5).setFinishedAt(Instant.now()).build());

            String jobsTopic = topics.jobs("it", "gpu-a");
            await().atMost(Duration.ofSeconds(60)).until(() -> kafkaTopics(kafka).contains(jobsTopic)
                    && !TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), jobsTopic)
                    .isEmpty());
            InstallJob job = TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), jobsTopic)
                    .stream().map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), InstallJob.class)).findFirst()
                    .orElseThrow();
            assertThat(job.getImage()).isEqualTo("quay.io/gkm/vector-add-cache@" + DIGEST);
            assertThat(kafkaTopics(kafka)).doesNotContain(topics.jobs("it", "gpu-b"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                GKMCacheNode node = client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get();
                return node != null && node.getStatus() != null;
            });
            assertThat(client.resources(GKMCacheNode.class).inNamespace("team-a").withName("gpu-a").get().getStatus()
                    .getCaches().get("vector-add").get(DIGEST).getConditions().get(0).getType()).isEqualTo("Extracted");
            // Two node reports recorded in the state topic, the verdict recorded and its one job; the
            // status stage's result (counted once its transaction commits, just after the write).
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(metrics(metricsPort)).contains(
                    "gkm_stage_records_out_total{stage=\"dispatcher\"} 4.0",
                    "gkm_stage_records_in_total{stage=\"dispatcher-status\"} 1.0"));
        } finally {
            stopped = dispatcher.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm dispatcher stops on SIGTERM").isTrue();
        assertThat(dispatcher.exitValue()).isIn(0, 143);
        assertThat(dispatcher.rest()).contains("stopping");
    }

    @Test
    void theDispatcherRefusesToStartWithoutAClusterForItsStatusOrWithABadTimeout() {
        Map<String, String> noCluster = Map.of("HOME", dir.toString(), "GKM_DISPATCHER_CATCH_UP_TIMEOUT", "soon");
        StringWriter err = new StringWriter();
        CommandLine cl = Gkm.commandLine(noCluster);
        cl.setErr(new PrintWriter(err));

        assertThat(cl.execute("dispatcher")).isEqualTo(2);
        assertThat(err.toString()).contains("GKM_DISPATCHER_CATCH_UP_TIMEOUT");

        StringWriter err2 = new StringWriter();
        CommandLine cl2 = Gkm.commandLine(Map.of("HOME", dir.toString()));
        cl2.setErr(new PrintWriter(err2));
        assertThat(cl2.execute("dispatcher")).isEqualTo(2);
        assertThat(err2.toString()).contains("Kubernetes: no kubeconfig at", "set GKM_DISPATCHER_STATUS=false to "
                + "dispatch jobs only");
    }

    private static String metrics(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<String> kafkaTopics(KafkaCluster kafka) throws Exception {
        return List.copyOf(kafka.admin().listTopics().names().get());
    }

    private static NodeInventory node(String name, String arch) {
        return NodeInventory.newBuilder().setCluster("it").setNode(name)
                .setGpus(List.of(Gpu.newBuilder().setBackend("hip").setArch(arch).setWarpSize(64).setIds(List.of("0"))
                        .build()))
                .setReportedAt(Instant.now()).build();
    }

    private static void send(KafkaCluster kafka, String topic, String key, SpecificRecord event) {
        Emitter other = new Emitter("it", "it", "it-0", new Topics(), EventCodec.INSTANCE, Clock.systemUTC());
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("it-other-stage")) {
            producer.send(other.chainStart(new Outbound(topic, key, event)));
            producer.flush();
        }
    }
}
