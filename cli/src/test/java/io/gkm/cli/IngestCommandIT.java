package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gkm.cli.dev.DevTls;
import io.gkm.ingest.model.GKMCache;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the built jar as a pod would ({@code java -jar gkm.jar ingest}) against a Kubernetes API
 * (fabric8's mock server, CRUD mode) named by a kubeconfig and a real broker; stops it with SIGTERM.
 */
@WithKafka
@EnableKubernetesMockClient(crud = true, https = false)
class IngestCommandIT {
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void ingestServesTheWebhookPublishesWatchEventsAndStopsCleanlyOnSigterm(KafkaCluster kafka) throws Exception {
        String prefix = kafka.uniqueName("ingest") + ".";
        assertThat(Gkm.commandLine(Map.of()).execute("topics", "create", "--bootstrap", kafka.bootstrapServers(),
                "--topic-prefix", prefix, "--topic-partitions", "1")).isZero();
        DevTls.Pair tls = DevTls.inDirectory(dir.resolve("tls"), Clock.systemUTC());
        Path policies = Fixtures.path("gkm/config/kyverno/policies");
        int webhookPort = GkmProcess.freePort();
        GkmProcess ingest = GkmProcess.start(List.of("ingest"), Map.of(
                "KUBECONFIG", Kubeconfig.forMockServer(dir, client).toString(),
                "GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix,
                "GKM_CLUSTER", "it",
                "GKM_INSTANCE", "it-ingest-0",
                "GKM_WEBHOOK_PORT", String.valueOf(webhookPort),
                "GKM_WEBHOOK_TLS_CERT", tls.cert().toString(),
                "GKM_WEBHOOK_TLS_KEY", tls.key().toString(),
                "GKM_POLICIES", policies.toString(),
                "GKM_METRICS_PORT", "0"), "ready;");
        boolean stopped;
        try {
            assertThat(ingest.startup()).anyMatch(l -> l.startsWith("webhook   https://127.0.0.1:" + webhookPort
                    + " (Kyverno verification on)"));
            assertThat(ingest.startup()).contains("inline    ClusterGKMCache verified by the webhook with the policies of "
                    + policies + " within 10000 ms");
            assertThat(ingest.startup()).anyMatch(l -> l.startsWith("watches   GKMCache in all namespaces and ClusterGKMCache, of "
                    + client.getConfiguration().getMasterUrl()));
            // Not in a pod: the Lease is in namespace default.
            assertThat(ingest.startup()).contains("leader    Lease default/gkm-ingest-watch as it-ingest-0: the watches "
                    + "run while this ingest holds it, the webhook always");
            HttpResponse<String> health = Https.trusting(tls.cert()).send(
                    Https.get("https://localhost:" + webhookPort + "/healthz"), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            client.resource(example()).create();

            await().atMost(Duration.ofSeconds(30)).until(() -> !resourceEvents(kafka, prefix).isEmpty());
            ResourceEvent event = resourceEvents(kafka, prefix).get(0);
            assertThat(event.getChangeType()).isEqualTo(ChangeType.ADDED);
            assertThat(event.getResourceKey()).isEqualTo("it/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1");
            HttpResponse<String> metrics = Https.trusting(tls.cert()).send(
                    Https.get("https://localhost:" + webhookPort + "/metrics"), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).as("the only ingest holds the Lease").contains("gkm_ingest_watch_leader 1.0");
            assertThat(client.leases().inNamespace("default").withName("gkm-ingest-watch").get().getSpec()
                    .getHolderIdentity()).isEqualTo("it-ingest-0");
        } finally {
            stopped = ingest.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm ingest stops on SIGTERM").isTrue();
        assertThat(ingest.exitValue()).isIn(0, 143);
        assertThat(ingest.rest()).as("output after ready").contains("stopping");
    }

    @Test
    void ingestRefusesToStartWithoutPoliciesWhileItVerifiesClusterGkmCachesInline() throws Exception {
        DevTls.Pair tls = DevTls.inDirectory(dir.resolve("tls"), Clock.systemUTC());
        CommandLine cl = Gkm.commandLine(Map.of(
                "KUBECONFIG", Kubeconfig.forMockServer(dir, client).toString(),
                "GKM_WEBHOOK_TLS_CERT", tls.cert().toString(),
                "GKM_WEBHOOK_TLS_KEY", tls.key().toString()));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));

        int exit = cl.execute("ingest");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("GKM_POLICIES (--policies): not set; GKM_INLINE_VERIFY=cluster has the "
                + "webhook verify ClusterGKMCaches with these Kyverno policies", "or set GKM_INLINE_VERIFY=off");
    }

    private GKMCache example() throws Exception {
        try (InputStream in = Files.newInputStream(Fixtures.path("gkm/examples/namespace/11-gkmcache.yaml"))) {
            return client.getKubernetesSerialization().unmarshal(in, GKMCache.class);
        }
    }

    private static List<ResourceEvent> resourceEvents(KafkaCluster kafka, String prefix) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), prefix + "resources").stream()
                .map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), ResourceEvent.class)).toList();
    }
}
