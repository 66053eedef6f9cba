package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.image.ImageReference;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the built jar as a pod would ({@code java -jar gkm.jar verifier}) on a real broker and
 * registry: it verifies a GKMCache whose image the sandbox Sigstore signed, with a policy trusting
 * that signer and the sandbox's trusted root, and stops with SIGTERM.
 */
@WithKafka
@WithOciRegistry
class VerifierCommandIT {
    private static final SigningIdentity SIGNER = SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test");

    @TempDir
    Path dir;

    @Test
    void theVerifierVerifiesAResourceEventServesMetricsAndStopsCleanlyOnSigterm(KafkaCluster kafka,
            OciRegistry registry) throws Exception {
        String prefix = kafka.uniqueName("verifier") + ".";
        assertThat(Gkm.commandLine(Map.of()).execute("topics", "create", "--bootstrap", kafka.bootstrapServers(),
                "--topic-prefix", prefix, "--topic-partitions", "1")).isZero();
        Topics topics = new Topics(prefix, 1, (short) 1);
        SandboxSigstore sigstore = SandboxSigstore.create();
        Path trustedRoot = sigstore.writeTrustedRoot(dir.resolve("trusted_root.json"));
        String repository = registry.uniqueRepository("gkm/verifier-it");
        PushedImage image = McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm"));
        sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort())
                .sign(SignatureFormat.SIGSTORE_BUNDLE, repository, image.digest().toString(), Signing.keyless(SIGNER));
        Path policies = SandboxPolicyFile.gkmCacheV3(dir.resolve("policies"), SIGNER);
        int metricsPort = GkmProcess.freePort();

        GkmProcess verifier = GkmProcess.start(List.of("verifier"), Map.of(
                "GKM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "GKM_TOPIC_PREFIX", prefix,
                "GKM_CLUSTER", "it",
                "GKM_INSTANCE", "it-verifier-0",
                "GKM_POLICIES", policies.toString(),
                "GKM_TRUSTED_ROOT", trustedRoot.toString(),
                "GKM_METRICS_PORT", String.valueOf(metricsPort)), "ready;");
        boolean stopped;
        ProducerRecord<String, byte[]> sent;
        try {
            assertThat(verifier.startup()).contains("verifier  " + prefix + "admissions, " + prefix + "resources -> "
                    + prefix + "verifications with 1 policies from " + policies);
            sent = send(kafka, topics, ResourceEvent.newBuilder()
                    .setChangeType(ChangeType.ADDED)
                    .setResourceKey("it/team-a/GKMCache/llama")
                    .setKind("GKMCache")
                    .setNamespace("team-a")
                    .setName("llama")
                    .setUid("uid-llama")
                    .setResourceVersion("1")
                    .setGeneration(1)
                    .setSpec("{\"image\":\"" + image.byTag() + "\"}")
                    .setLabels(Map.of("gkm.io/signature-format", "cosign-v3"))
                    .setObservedAt(Instant.now())
                    .build());

            await().atMost(Duration.ofSeconds(60)).until(() -> !verifications(kafka, topics).isEmpty());
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("gkm_stage_records_out_total{stage=\"verifier\"} 1.0");
        } finally {
            stopped = verifier.stop(Duration.ofSeconds(60));
        }
        assertThat(stopped).as("gkm verifier stops on SIGTERM").isTrue();
        assertThat(verifier.exitValue()).isIn(0, 143);
        assertThat(verifier.rest()).contains("stopping");

        ConsumerRecord<byte[], byte[]> record = verifications(kafka, topics).get(0);
        VerificationResult result = EventCodec.INSTANCE.decode(record.topic(), record.value(), VerificationResult.class);
        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getImageDigest()).isEqualTo(image.digest().toString());
        assertThat(result.getResourceKey()).isEqualTo("it/team-a/GKMCache/llama");
        CloudEventHeaders ce = CloudEventHeaders.read(record.headers());
        assertThat(ce.source()).isEqualTo("/gkm/it/verifier/it-verifier-0");
        assertThat(ce.correlationId()).isEqualTo(CloudEventHeaders.read(sent.headers()).id());
    }

    @Test
    void theVerifierRefusesToStartWithoutPoliciesOrWithPoliciesItCannotLoad() throws Exception {
        Path notAPolicy = Files.writeString(dir.resolve("bad.yaml"), "kind: Deployment\n");

        StringWriter missingErr = new StringWriter();
        CommandLine missing = Gkm.commandLine(Map.of());
        missing.setErr(new PrintWriter(missingErr));
        StringWriter badErr = new StringWriter();
        CommandLine bad = Gkm.commandLine(Map.of("GKM_POLICIES", notAPolicy.toString()));
        bad.setErr(new PrintWriter(badErr));

        assertThat(missing.execute("verifier")).isEqualTo(2);
        assertThat(missingErr.toString()).contains("GKM_POLICIES (--policies): not set; the verifier verifies with "
                + "these Kyverno policies");
        assertThat(bad.execute("verifier")).isEqualTo(2);
        assertThat(badErr.toString()).contains("GKM_POLICIES: ").contains(notAPolicy.toString());
    }

    @Test
    void theVerifierRefusesAVerifyTimeoutOverHalfTheTransactionTimeout() throws Exception {
        Path policies = SandboxPolicyFile.gkmCacheV3(dir.resolve("policies"), SIGNER);
        StringWriter err = new StringWriter();
        CommandLine tooLong = Gkm.commandLine(Map.of("GKM_POLICIES", policies.toString(),
                "GKM_VERIFY_TIMEOUT", "31s"));
        tooLong.setErr(new PrintWriter(err));

        assertThat(tooLong.execute("verifier")).isEqualTo(2);
        assertThat(err.toString()).contains("GKM_VERIFY_TIMEOUT (--verify-timeout): 31000 ms; it must be more "
                + "than 0 and at most half of GKM_STAGE_TRANSACTION_TIMEOUT (60000 ms)");
    }

    private static ProducerRecord<String, byte[]> send(KafkaCluster kafka, Topics topics, ResourceEvent event) {
        Emitter ingest = new Emitter("ingest", "it", "it-ingest", topics, EventCodec.INSTANCE, Clock.systemUTC());
        ProducerRecord<String, byte[]> record = ingest.chainStart(
                new Outbound(topics.resources(), event.getResourceKey(), event));
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("it-ingest")) {
            producer.send(record);
            producer.flush();
        }
        return record;
    }

    private static List<ConsumerRecord<byte[], byte[]>> verifications(KafkaCluster kafka, Topics topics) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps("it-reader"), topics.verifications());
    }
}
