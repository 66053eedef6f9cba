package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.TopicContents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gkm demo} end to end on the real parts: its embedded Kafka, Debian's docker-registry,
 * the sandbox Sigstore, the HTTPS webhook and the verifier stage. One run; then its broker is
 * started again on the data the demo left, to read what the stages wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoCommandIT {
    private static final String V2 = "local/gkm-test-ns-scoped-1/GKMCache/vector-add-cache-rocm-1";
    private static final String V3 = "local/gkm-test-ns-scoped-1/GKMCache/vllm-flash-attention-1";
    private static final String CLUSTER = "local/_cluster/ClusterGKMCache/vector-add-cache-rocm";
    private static final String UNTRUSTED = "local/gkm-test-ns-scoped-2/GKMCache/untrusted-cache-rocm";

    private Path data;
    private int exitCode;
    private String out;
    private String err;
    private Path leftover;
    private long tookMillis;

    @BeforeAll
    void runTheDemoOverWhatAnEarlierOneLeft(@TempDir Path dir) throws Exception {
        data = dir;
        leftover = Files.writeString(Files.createDirectories(data.resolve("demo/nodes/old")).resolve("file"), "old");
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        cl.setOut(new PrintWriter(outText));
        cl.setErr(new PrintWriter(errText));
        long start = System.nanoTime();
        exitCode = cl.execute("demo", "--dev-data-dir", data.toString(), "--wait", "40s");
        tookMillis = (System.nanoTime() - start) / 1_000_000;
        out = outText.toString();
        err = errText.toString();
    }

    @Test
    void theDemoEndsAsExpectedWithinAMinuteAndTimesEachPhase() {
        assertThat(exitCode).as(out + err).isZero();
        assertThat(tookMillis).isLessThan(60_000);
        assertThat(out).contains("result: as expected: 3 resources verified, 1 refused at admission")
                .containsPattern("timings: registry [0-9.]+ s, kafka [0-9.]+ s, sample [0-9.]+ s, stages [0-9.]+ s, "
                        + "admission [0-9.]+ s, verification [0-9.]+ s; total [0-9.]+ s");
    }

    @Test
    void theDemoSaysPlainlyWhichStagesItDoesNotRun() {
        assertThat(out).contains("not run yet: dispatcher, node-consumer, audit");
    }

    @Test
    void whatAnEarlierDemoLeftIsGone() {
        assertThat(leftover).doesNotExist();
        assertThat(data.resolve("demo/trusted_root.json")).isRegularFile();
        assertThat(data.resolve("demo/policies")).isDirectoryContaining("glob:**/clustergkmcache-policy.yaml");
    }

    @Test
    void eachAdmissionDecisionIsPrintedAndTheUntrustedSignerIsRefused() {
        assertThat(out).contains("ALLOWED  GKMCache gkm-test-ns-scoped-1/vector-add-cache-rocm-1",
                "ALLOWED  GKMCache gkm-test-ns-scoped-1/vllm-flash-attention-1",
                "ALLOWED  ClusterGKMCache vector-add-cache-rocm",
                "DENIED   GKMCache gkm-test-ns-scoped-2/untrusted-cache-rocm")
                .contains("subject mismatch: subject \"https://ci.elsewhere.example/");
        assertThat(out).contains("VERIFIED " + V2, "VERIFIED " + V3, "VERIFIED " + CLUSTER)
                .doesNotContain("VERIFIED " + UNTRUSTED)
                .doesNotContainPattern("(?m)^  (REJECTED|ERROR) +local/");
    }

    @Test
    void theTopicsHoldEachDecisionAndEachVerdict() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data.resolve("demo/kafka"), freePort(), Duration.ofSeconds(60))) {
            Topics topics = new Topics();
            // the mutating and the validating webhook each record their decision
            Map<String, List<AdmissionEvent>> admissions = read(kafka, topics.admissions(), AdmissionEvent.class)
                    .stream().collect(Collectors.groupingBy(AdmissionEvent::getResourceKey));
            assertThat(admissions).containsOnlyKeys(V2, V3, CLUSTER, UNTRUSTED);
            assertThat(admissions.get(UNTRUSTED)).isNotEmpty().allSatisfy(e -> {
                assertThat(e.getDecision()).isEqualTo(Decision.DENIED);
                assertThat(e.getReason()).contains("subject mismatch");
            });
            for (String key : List.of(V2, V3, CLUSTER)) {
                assertThat(admissions.get(key)).as(key).hasSize(2)
                        .allSatisfy(e -> assertThat(e.getDecision()).isEqualTo(Decision.ALLOWED));
            }

            List<ResourceEvent> resources = read(kafka, topics.resources(), ResourceEvent.class);
            assertThat(resources).extracting(ResourceEvent::getResourceKey).containsExactlyInAnyOrder(V2, V3, CLUSTER);
            assertThat(resources).extracting(ResourceEvent::getChangeType).containsOnly(ChangeType.ADDED);

            List<VerificationResult> verdicts = read(kafka, topics.verifications(), VerificationResult.class);
            assertThat(verdicts).extracting(VerificationResult::getResourceKey).containsExactlyInAnyOrder(V2, V3, CLUSTER);
            assertThat(verdicts).extracting(VerificationResult::getVerdict).containsOnly(Verdict.VERIFIED);
            Map<String, ResourceEvent> stored = resources.stream()
                    .collect(Collectors.toMap(ResourceEvent::getResourceKey, r -> r));
            for (VerificationResult v : verdicts) {
                // the verifier checked the digest admission pinned in spec.image
                assertThat(stored.get(v.getResourceKey()).getSpec()).contains("@" + v.getImageDigest());
                assertThat(v.getCacheTargets()).singleElement().satisfies(t -> {
                    assertThat(t.getArch()).isEqualTo("gfx90a");
                    assertThat(t.getWarpSize()).isEqualTo(64);
                });
            }
            assertThat(verdicts).filteredOn(v -> v.getResourceKey().equals(V3)).singleElement()
                    .satisfies(v -> assertThat(v.getSignerSubject()).isEqualTo("release@gkm.demo"));
        }
    }

    private static <T extends SpecificRecord> List<T> read(EmbeddedKafka kafka, String topic, Class<T> type) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return TopicContents.readAll(props, topic).stream()
                .map(r -> EventCodec.INSTANCE.decode(topic, r.value(), type)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
