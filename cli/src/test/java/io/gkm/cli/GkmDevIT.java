package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.cli.demo.SimulatedNode;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.TopicContents;
import io.gkm.verifier.sandbox.SigningIdentity;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the built jar as a user would (`java -jar gkm.jar dev`), stops it with SIGTERM. */
class GkmDevIT {
    @TempDir
    Path dataDir;

    @Test
    void devComesUpWithTheTopicsAndTheWebhookStopsCleanlyOnSigtermAndKeepsItsDataAcrossRestarts() throws Exception {
        int kafkaPort = GkmProcess.freePort();
        int metricsPort = GkmProcess.freePort();
        int webhookPort = GkmProcess.freePort();
        Path cert = dataDir.resolve("tls/tls.crt");
        GkmProcess dev = startDev(kafkaPort, metricsPort, webhookPort, Map.of());
        boolean stopped;
        try {
            List<String> first = dev.startup();
            assertThat(first).anyMatch(l -> l.startsWith("kafka     127.0.0.1:" + kafkaPort));
            assertThat(first).anyMatch(l -> l.contains("10 created now"));
            assertThat(first).anyMatch(l -> l.startsWith("tls       made a self-signed certificate for localhost"));
            assertThat(first).anyMatch(l -> l.startsWith("webhook   https://localhost:" + webhookPort));
            assertThat(first).contains("inline    ClusterGKMCache denied: GKM_POLICIES is not set, so no policy verifies it");
            assertThat(first).anyMatch(l -> l.startsWith("watches   off: no Kubernetes cluster reachable (no kubeconfig at "));
            assertThat(first).contains("verifier  off: GKM_POLICIES is not set, so no policy to verify with");
            assertThat(first).contains("dispatch  gkm.verifications, gkm.resources, gkm.nodes -> gkm.jobs.<cluster>.<node>; "
                    + "status off: no Kubernetes cluster reachable", "audit     gkm.audit -> gkm.audit-ledger");
            assertThat(first).anyMatch(l -> l.startsWith("node      off: GKM_NODE_NAME is not set"));
            assertThat(first).contains("stages    ingest, dispatcher, audit running");
            double seconds = first.stream().filter(l -> l.startsWith("ready in ")).findFirst()
                    .map(l -> Double.parseDouble(l.substring(9, l.indexOf(" s")))).orElseThrow();
            System.out.printf("GkmDevIT: gkm dev ready in %.1f s%n", seconds);

            String described = topicsDescribe(kafkaPort);
            assertThat(described).contains("gkm.admissions ", "gkm.nodes ", "gkm.audit-ledger ", "gkm.dlq ",
                    "gkm.ingest.watch-state ").doesNotContain("missing:");

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).as("no cluster, no watches to lead").contains("gkm_ingest_watch_leader 0.0");

            HttpClient webhook = Https.trusting(cert);
            assertThat(webhook.send(Https.get("https://localhost:" + webhookPort + "/healthz"),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            String uid = UUID.randomUUID().toString();
            HttpResponse<String> validation = webhook.send(Https.postJson("https://localhost:" + webhookPort
                    + "/validate-gkm-io-v1alpha1-gkmcache", gkmCacheCreation(uid)), HttpResponse.BodyHandlers.ofString());
            assertThat(validation.statusCode()).isEqualTo(200);
            assertThat(validation.body()).contains("\"uid\":\"" + uid + "\"", "\"allowed\":false");
            List<AdmissionEvent> events = TopicContents.readAll(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), "gkm.admissions").stream()
                    .map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), AdmissionEvent.class))
                    .filter(e -> e.getRequestUid().equals(uid)).toList();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getDecision()).isEqualTo(Decision.DENIED);
                assertThat(e.getReason()).isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
                assertThat(e.getResourceKey()).isEqualTo("local/gkm-dev-it/GKMCache/vector-add-cache-rocm");
            });
        } finally {
            stopped = dev.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm dev stops on SIGTERM").isTrue();
        assertThat(dev.exitValue()).isIn(0, 143);
        assertThat(dev.rest()).contains("stopping");
        assertThat(dataDir.resolve("kafka/meta.properties")).exists();
        byte[] certificate = Files.readAllBytes(cert);

        Path policies = SandboxPolicyFile.gkmCacheV3(dataDir.resolve("policies"),
                SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test"));
        GkmProcess again = startDev(kafkaPort, metricsPort, webhookPort, Map.of("GKM_POLICIES", policies.toString()));
        try {
            assertThat(again.startup()).anyMatch(l -> l.contains("(0 created now)"));
            assertThat(again.startup()).contains("verifier  gkm.admissions, gkm.resources -> gkm.verifications with 1 "
                    + "policies from " + policies);
            assertThat(again.startup()).contains("stages    ingest, verifier, dispatcher, audit running");
            assertThat(again.startup()).anyMatch(l -> l.startsWith("tls       reusing the self-signed certificate"));
            assertThat(Files.readAllBytes(cert)).isEqualTo(certificate);
        } finally {
            assertThat(again.stop(Duration.ofSeconds(60))).isTrue();
        }
    }

    @Test
    void devsDispatcherNamesFoldersUnderItsOwnNodeConsumersCacheDir() throws Exception {
        int kafkaPort = GkmProcess.freePort();
        SimulatedNode node = SimulatedNode.COMPATIBLE;
        Path caches = dataDir.resolve("node-caches");
        GkmProcess dev = startDev(kafkaPort, GkmProcess.freePort(), GkmProcess.freePort(), Map.of(
                "GKM_NODE_NAME", node.name(),
                "GKM_SYSFS_ROOT", node.writeSysfs(dataDir.resolve("sys")).toString(),
                "GKM_CACHE_DIR", caches.toString()));
        try {
            assertThat(dev.startup()).anyMatch(l -> l.startsWith("node      " + node.name() + ": ")
                    && l.endsWith("caches in " + caches));
            String bootstrap = "127.0.0.1:" + kafkaPort;
            String key = "local/team-a/GKMCache/vector-add";
            String digest = "sha256:" + "ab".repeat(32);
            VerificationResult verified = VerificationResult.newBuilder().setVerdict(Verdict.VERIFIED)
                    .setResourceKey(key).setImage("127.0.0.1:1/gkm/vector-add-cache:rocm").setImageDigest(digest)
                    .setSignatureFormat(SignatureFormat.COSIGN_V3).setPolicyName("gkm-cosign-v3")
                    .setCacheTargets(List.of(new CacheTarget("hip", "gfx90a", 64)))
                    .setReasons(List.of("signature verified")).setVerifiedAt(Instant.now()).build();
            Emitter verifier = new Emitter("verifier", "local", "it", new Topics(), EventCodec.INSTANCE,
                    Clock.systemUTC());
            // Before or after the dispatcher has the node's report: either way the node gets the job.
            try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(bootstrap, Map.of())
                    .producer("gkm-dev-it")) {
                producer.send(verifier.chainStart(new Outbound("gkm.verifications", key, verified))).get();
            }

            String jobs = new Topics().jobs("local", node.name());
            Map<String, Object> reader = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            await().atMost(Duration.ofSeconds(60)).until(() -> !TopicContents.readAll(reader, jobs).isEmpty());
            InstallJob job = EventCodec.INSTANCE.decode(jobs, TopicContents.readAll(reader, jobs).get(0).value(),
                    InstallJob.class);
            assertThat(job.getTargetPath()).isEqualTo(caches.resolve("team-a/vector-add/" + digest).toString());
        } finally {
            assertThat(dev.stop(Duration.ofSeconds(60))).isTrue();
        }
    }

    private GkmProcess startDev(int kafkaPort, int metricsPort, int webhookPort, Map<String, String> more)
            throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "GKM_DEV_KAFKA_PORT", String.valueOf(kafkaPort),
                "GKM_DEV_DATA_DIR", dataDir.toString(),
                "GKM_METRICS_PORT", String.valueOf(metricsPort),
                "GKM_WEBHOOK_PORT", String.valueOf(webhookPort),
                "KUBECONFIG", dataDir.resolve("no-such-kubeconfig").toString()));
        env.putAll(more);
        return GkmProcess.start(List.of("dev"), env, "ready in ");
    }

    /** A GKMCache CREATE as the API server sends it, without the digest annotation the mutating webhook sets. */
    private static String gkmCacheCreation(String uid) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%s",
                 "kind":{"group":"gkm.io","version":"v1alpha1","kind":"GKMCache"},
                 "resource":{"group":"gkm.io","version":"v1alpha1","resource":"gkmcaches"},
                 "name":"vector-add-cache-rocm","namespace":"gkm-dev-it","operation":"CREATE",
                 "userInfo":{"username":"gkm-dev-it","groups":["system:authenticated"]},
                 "object":{"apiVersion":"gkm.io/v1alpha1","kind":"GKMCache",
                  "metadata":{"name":"vector-add-cache-rocm","namespace":"gkm-dev-it"},
                  "spec":{"image":"quay.io/gkm/cache-examples:vector-add-cache-rocm"}},
                 "oldObject":null,"dryRun":false}}
                """.formatted(uid);
    }

    private static String topicsDescribe(int kafkaPort) {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("topics", "describe", "--bootstrap", "127.0.0.1:" + kafkaPort)).isZero();
        return out.toString();
    }
}
