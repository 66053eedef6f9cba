package io.gkm.verifier.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gkm.core.image.ImageReference;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.Emitter;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageLoop;
import io.gkm.core.stage.StageSpec;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.DeadLetter;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.TrustRootSource;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RetryPolicy;
import io.gkm.verifier.sandbox.SandboxPolicies;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier stage on the real KRaft broker and the real registry: ResourceEvents in, one
 * VerificationResult each on the verifications topic with its audit event, in the chain of the
 * event that caused it; images signed by the sandbox Sigstore, verified with a sandbox policy.
 */
@WithKafka
@WithOciRegistry
class VerifierStageIT {
    private static final SigningIdentity SIGNER = SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test");
    private static final Map<String, String> V3 = Map.of(SandboxPolicies.SIGNATURE_FORMAT_LABEL,
            SandboxPolicies.labelValue(SignatureFormat.SIGSTORE_BUNDLE));
    private static final EventCodec CODEC = EventCodec.INSTANCE;

    private static SandboxSigstore sigstore;
    private static TrustRootSource trustRoot;

    @BeforeAll
    static void startSigstore(@TempDir Path dir) {
        sigstore = SandboxSigstore.create();
        trustRoot = TrustRootSource.file(sigstore.writeTrustedRoot(dir.resolve("trusted_root.json")));
    }

    /** The stage's topics on the shared broker, under a prefix of their own. */
    private static Topics topics(KafkaCluster kafka) {
        Topics topics = new Topics(kafka.uniqueName("v") + ".", 1, (short) 1);
        kafka.createTopics(1, topics.admissions(), topics.resources(), topics.verifications(), topics.audit(),
                topics.dlq());
        return topics;
    }

    private static Verifier verifier(RegistryClient registry) {
        return Verifier.builder()
                .policies(List.of(SandboxPolicies.gkmCache(SignatureFormat.SIGSTORE_BUNDLE, SIGNER)))
                .trustRoot(trustRoot)
                .registry(registry)
                .build();
    }

    private static StageLoop stage(KafkaCluster kafka, Topics topics, Verifier verifier, Duration verifyTimeout) {
        StageSpec spec = new StageSpec(VerificationHandler.STAGE, "c1", "it-1", VerificationHandler.inputs(topics));
        StageLoop.Timing timing = new StageLoop.Timing(Duration.ofMillis(100), 500, Duration.ofSeconds(30),
                Duration.ofMillis(100));
        return VerifierStage.loop(spec, timing, verifyTimeout,
                new KafkaClientFactory(kafka.bootstrapServers(), Map.of()), topics, verifier,
                new SimpleMeterRegistry());
    }

    /** Runs the stage until {@code topic} holds {@code count} records, then stops it; it must not fail. */
    private static void runUntil(KafkaCluster kafka, Topics topics, Verifier verifier, String topic, int count)
            throws InterruptedException {
        runUntil(kafka, topics, verifier, Duration.ofSeconds(15), topic, count);
    }

    private static void runUntil(KafkaCluster kafka, Topics topics, Verifier verifier, Duration verifyTimeout,
            String topic, int count) throws InterruptedException {
        try (StageLoop stage = stage(kafka, topics, verifier, verifyTimeout)) {
            stage.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> stage.failure().isPresent()
                    || read(kafka, topic).size() == count);
            assertThat(stage.failure()).isEmpty();
        }
    }

    private static PushedImage push(OciRegistry registry, String repository) {
        return McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm"));
    }

    private static ResourceEvent resource(String name, String image) {
        return ResourceEvent.newBuilder()
                .setChangeType(ChangeType.ADDED)
                .setResourceKey("c1/team-a/GKMCache/" + name)
                .setKind("GKMCache")
                .setNamespace("team-a")
                .setName(name)
                .setUid("uid-" + name)
                .setResourceVersion("1")
                .setGeneration(1)
                .setSpec("{\"image\":\"" + image + "\"}")
                .setLabels(V3)
                .setObservedAt(Instant.now())
                .build();
    }

    /** Sends as ingest does: each record starts its chain. */
    private static List<ProducerRecord<String, byte[]>> send(KafkaCluster kafka, Topics topics,
            List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaClientFactory(kafka.bootstrapServers(), Map.of())
                .producer("it-ingest")) {
            records.forEach(producer::send);
            producer.flush();
        }
        return records;
    }

    private static ProducerRecord<String, byte[]> event(Topics topics, ResourceEvent event) {
        Emitter ingest = new Emitter("ingest", "c1", "it", topics, CODEC, Clock.systemUTC());
        return ingest.chainStart(new Outbound(topics.resources(), event.getResourceKey(), event));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster kafka, String topic) {
        return TopicContents.readAll(kafka.readCommittedConsumerProps("it-reader"), topic);
    }

    @Test
    void aSignedImageIsVerifiedAnUnsignedOneRejectedAndEachVerdictAuditedInTheChainOfItsEvent(KafkaCluster kafka,
            OciRegistry registry) throws InterruptedException {
        Topics topics = topics(kafka);
        String signedRepo = registry.uniqueRepository("gkm-stage/signed");
        PushedImage signed = push(registry, signedRepo);
        sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort())
                .sign(SignatureFormat.SIGSTORE_BUNDLE, signedRepo, signed.digest().toString(), Signing.keyless(SIGNER));
        PushedImage unsigned = push(registry, registry.uniqueRepository("gkm-stage/unsigned"));
        List<ProducerRecord<String, byte[]>> sent = send(kafka, topics, List.of(
                event(topics, resource("signed", signed.byTag().toString())),
                event(topics, resource("unsigned", unsigned.byTag().toString()))));

        runUntil(kafka, topics, verifier(RegistryClient.builder().build()), topics.verifications(), 2);

        List<ConsumerRecord<byte[], byte[]>> out = read(kafka, topics.verifications());
        VerificationResult verified = CODEC.decode(out.get(0).topic(), out.get(0).value(), VerificationResult.class);
        assertThat(verified.getVerdict()).as("%s", verified.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(verified.getImageDigest()).isEqualTo(signed.digest().toString());
        assertThat(verified.getSignerSubject()).isEqualTo(SIGNER.subject());
        assertThat(new String(out.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("c1/team-a/GKMCache/signed");
        VerificationResult rejected = CODEC.decode(out.get(1).topic(), out.get(1).value(), VerificationResult.class);
        assertThat(rejected.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(rejected.getReasons().get(0)).startsWith("no signatures found");
        assertThat(new String(out.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("c1/team-a/GKMCache/unsigned");

        CloudEventHeaders cause = CloudEventHeaders.read(sent.get(0).headers());
        CloudEventHeaders ce = CloudEventHeaders.read(out.get(0).headers());
        assertThat(ce.correlationId()).isEqualTo(cause.id());
        assertThat(ce.source()).isEqualTo("/gkm/c1/verifier/it-1");
        assertThat(ce.type()).isEqualTo("io.gkm.verification.v1");

        List<AuditEvent> audits = read(kafka, topics.audit()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).extracting(AuditEvent::getOutcome).containsExactly("VERIFIED", "REJECTED");
        assertThat(audits.get(0).getStage()).isEqualTo("verifier");
        assertThat(audits.get(0).getCauseEventId()).isEqualTo(cause.id());
        assertThat(audits.get(0).getDetails()).containsEntry("digest", signed.digest().toString());
        assertThat(audits.get(1).getReason()).isEqualTo(rejected.getReasons().get(0));
        assertThat(audits.get(1).getResourceKey()).isEqualTo("c1/team-a/GKMCache/unsigned");
    }

    @Test
    void anUnreachableRegistryIsPublishedAsAnErrorVerdictAndTheEventsBehindItAreStillVerified(KafkaCluster kafka)
            throws IOException, InterruptedException {
        Topics topics = topics(kafka);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        send(kafka, topics, List.of(
                event(topics, resource("dead-registry", "127.0.0.1:" + closedPort + "/gkm/cache:rocm")),
                event(topics, ResourceEvent.newBuilder(resource("unlabelled", "quay.io/gkm/cache:rocm"))
                        .setLabels(Map.of()).build())));
        RegistryClient quickToGiveUp = RegistryClient.builder()
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO)).build();

        runUntil(kafka, topics, verifier(quickToGiveUp), topics.verifications(), 2);

        List<VerificationResult> results = read(kafka, topics.verifications()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), VerificationResult.class)).toList();
        assertThat(results).extracting(VerificationResult::getVerdict).containsExactly(Verdict.ERROR, Verdict.REJECTED);
        assertThat(results.get(0).getReasons().get(0))
                .startsWith("registry unavailable, the image could not be checked (retriable): ");
        List<AuditEvent> audits = read(kafka, topics.audit()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).extracting(AuditEvent::getOutcome).containsExactly("ERROR", "REJECTED");
        assertThat(audits.get(0).getReason()).isEqualTo(results.get(0).getReasons().get(0));
        assertThat(read(kafka, topics.dlq())).isEmpty();
    }

    @Test
    void aRegistryThatAcceptsConnectionsAndNeverAnswersGivesAnErrorVerdictInTimeAndTheStageGoesOn(KafkaCluster kafka)
            throws IOException, InterruptedException {
        Topics topics = topics(kafka);
        try (SilentRegistry silent = SilentRegistry.start()) {
            send(kafka, topics, List.of(
                    event(topics, resource("silent-a", silent.hostPort() + "/gkm/cache:rocm")),
                    event(topics, ResourceEvent.newBuilder(resource("unlabelled", "quay.io/gkm/cache:rocm"))
                            .setLabels(Map.of()).build()),
                    event(topics, resource("silent-b", silent.hostPort() + "/gkm/other:rocm"))));

            // The registry client as configured by default: its 30 s timeout and retries alone
            // would outlast the 30 s transaction timeout.
            runUntil(kafka, topics, verifier(RegistryClient.builder().build()), Duration.ofSeconds(1),
                    topics.verifications(), 3);
            assertThat(silent.accepted()).as("the verifier reached the silent registry").isPositive();
        }

        List<VerificationResult> results = read(kafka, topics.verifications()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), VerificationResult.class)).toList();
        assertThat(results).extracting(VerificationResult::getResourceKey).containsExactly(
                "c1/team-a/GKMCache/silent-a", "c1/team-a/GKMCache/unlabelled", "c1/team-a/GKMCache/silent-b");
        assertThat(results).extracting(VerificationResult::getVerdict)
                .containsExactly(Verdict.ERROR, Verdict.REJECTED, Verdict.ERROR);
        assertThat(results.get(0).getReasons()).containsExactly(
                "no verdict within 1000 ms (GKM_VERIFY_TIMEOUT): the registry is slow or unreachable");
        assertThat(results.get(1).getReasons().get(0)).startsWith("no policy selects this resource");
        assertThat(results.get(2).getReasons()).isEqualTo(results.get(0).getReasons());
        List<AuditEvent> audits = read(kafka, topics.audit()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).extracting(AuditEvent::getOutcome).containsExactly("ERROR", "REJECTED", "ERROR");
        assertThat(audits.get(0).getReason()).isEqualTo(results.get(0).getReasons().get(0));
        assertThat(read(kafka, topics.dlq())).isEmpty();
    }

    /** A registry on 127.0.0.1 that accepts every connection and never writes a byte. */
    private static final class SilentRegistry implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        private SilentRegistry(ServerSocket server) {
            this.server = server;
            this.acceptor = new Thread(this::accept, "silent-registry");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static SilentRegistry start() throws IOException {
            return new SilentRegistry(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        private void accept() {
            try {
                while (true) {
                    connections.add(server.accept());
                }
            } catch (IOException e) {
                // closed: the test is over
            }
        }

        String hostPort() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return connections.size();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            server.close();
            acceptor.join();
            for (Socket connection : connections) {
                connection.close();
            }
        }
    }

    @Test
    void anUndecodableRecordIsDeadLetteredAndTheStageGoesOn(KafkaCluster kafka) throws InterruptedException {
        Topics topics = topics(kafka);
        byte[] garbage = "not an event".getBytes(StandardCharsets.UTF_8);
        send(kafka, topics, List.of(
                new ProducerRecord<>(topics.resources(), null, "c1/team-a/GKMCache/garbage", garbage, new RecordHeaders()),
                event(topics, ResourceEvent.newBuilder(resource("deleted", "quay.io/gkm/cache:rocm"))
                        .setChangeType(ChangeType.DELETED).build())));

        runUntil(kafka, topics, verifier(RegistryClient.builder().build()), topics.audit(), 2);

        List<ConsumerRecord<byte[], byte[]>> dlq = read(kafka, topics.dlq());
        assertThat(dlq).hasSize(1);
        DeadLetter letter = CODEC.decode(topics.dlq(), dlq.get(0).value(), DeadLetter.class);
        assertThat(letter.getOriginalTopic()).isEqualTo(topics.resources());
        assertThat(letter.getStage()).isEqualTo("verifier");
        assertThat(letter.getValue().array()).isEqualTo(garbage);
        assertThat(read(kafka, topics.verifications())).isEmpty();
        List<AuditEvent> audits = read(kafka, topics.audit()).stream()
                .map(r -> CODEC.decode(r.topic(), r.value(), AuditEvent.class)).toList();
        assertThat(audits).extracting(AuditEvent::getOutcome).containsExactly("DEAD_LETTERED", "SKIPPED");
    }
}
