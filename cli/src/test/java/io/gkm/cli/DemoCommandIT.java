package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.read.LedgerReader;
import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.NodeInventory;
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
 * the sandbox Sigstore, the HTTPS webhook and every stage. One run; then its broker is
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
        assertThat(out).contains("result: as expected: 3 resources verified, 1 refused at admission; "
                        + "rocm-node-mi210 installed them, rocm-node-rx7900 skipped as incompatible; the audit ledger intact")
                .containsPattern("timings: registry [0-9.]+ s, kafka [0-9.]+ s, sample [0-9.]+ s, stages [0-9.]+ s, "
                        + "admission [0-9.]+ s, verification [0-9.]+ s, install [0-9.]+ s, audit [0-9.]+ s; total [0-9.]+ s");
    }

    @Test
    void theDemoSaysPlainlyWhichStagesItDoesNotRun() {
        assertThat(out).contains("not run: the dispatcher's status projection onto GKMCacheNode / ClusterGKMCacheNode "
                + "(it writes to a Kubernetes API, which the demo does not have)");
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
    void eachSimulatedNodeReportsTheGpuItsSysfsDescribes() {
        assertThat(out).contains("rocm-node-mi210   AMD Instinct MI210: hip/gfx90a/64 (1 GPU, driver 6.10.5)",
                "rocm-node-rx7900  AMD Radeon RX 7900 XTX: hip/gfx1100/32 (1 GPU, driver 6.10.5)");
    }

    @Test
    void theCompatibleNodeInstallsEachVerifiedCacheAndTheOtherIsSkipped() throws Exception {
        for (String key : List.of(V2, V3, CLUSTER)) {
            assertThat(out).containsPattern("(?m)^  INSTALLED rocm-node-mi210   " + key + ": sha256:[0-9a-f]{64}, [1-9][0-9]* files")
                    .contains("SKIPPED   rocm-node-rx7900  " + key + ": node rocm-node-rx7900 has hip/gfx1100/32, "
                            + "none of the cache's targets hip/gfx90a/64");
        }
        assertThat(out).containsPattern("(?m)^  rocm-node-rx7900  0 files, 0 bytes in ");
        Path compatible = data.resolve("demo/nodes/rocm-node-mi210/caches");
        assertThat(compatible.resolve("gkm-test-ns-scoped-1/vector-add-cache-rocm-1/cache.json")).isRegularFile();
        assertThat(compatible.resolve("cluster-scoped/vector-add-cache-rocm/cache.json")).isRegularFile();
        Path incompatible = data.resolve("demo/nodes/rocm-node-rx7900");
        try (var files = Files.walk(incompatible)) {
            assertThat(files.filter(Files::isRegularFile)).allMatch(f -> f.startsWith(incompatible.resolve("sysfs")));
        }
    }

    @Test
    void eachResourceIsTracedFromTheLedgerAndTheLedgerVerifies() {
        assertThat(out).containsPattern("(?m)^  trace " + UNTRUSTED + "\n    #[0-9]+  \\S+  ingest  admit  DENIED  ")
                .containsPattern("(?m)^  trace " + V3 + "\n(    #.*\n)*    #[0-9]+  \\S+  verifier  verify  VERIFIED  ")
                .containsPattern("(?m)^  ledger verify: [0-9]+ entries, every link intact; head #[0-9]+ [0-9a-f]{64}$");
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

            // what the node says it installed is on its disk, file for file and byte for byte
            List<InstallResult> installs = read(kafka, topics.installResults(), InstallResult.class);
            assertThat(installs).extracting(InstallResult::getResourceKey).containsExactlyInAnyOrder(V2, V3, CLUSTER);
            assertThat(installs).allSatisfy(r -> {
                assertThat(r.getOutcome()).isEqualTo(InstallOutcome.INSTALLED);
                assertThat(r.getNode()).isEqualTo("rocm-node-mi210");
                Path folder = new CacheLayout(data.resolve("demo/nodes/rocm-node-mi210/caches"))
                        .digestDir(ResourceKey.parse(r.getResourceKey()), Digest.parse(r.getDigest()));
                try (var files = Files.walk(folder)) {
                    List<Path> regular = files.filter(Files::isRegularFile).toList();
                    assertThat(regular).hasSize(r.getFiles());
                    long bytes = 0;
                    for (Path f : regular) {
                        bytes += Files.size(f);
                    }
                    assertThat(bytes).isEqualTo(r.getBytes());
                }
            });
            List<AuditEvent> dispatches = read(kafka, topics.audit(), AuditEvent.class).stream()
                    .filter(e -> e.getAction().equals("dispatch") && e.getResourceKey() != null).toList();
            assertThat(dispatches).filteredOn(e -> "rocm-node-rx7900".equals(e.getDetails().get("node")))
                    .extracting(AuditEvent::getOutcome).containsOnly("SKIPPED_INCOMPATIBLE").hasSize(3);
            assertThat(dispatches).filteredOn(e -> "rocm-node-mi210".equals(e.getDetails().get("node")))
                    .extracting(AuditEvent::getOutcome).containsOnly("DISPATCHED").hasSize(3);

            Map<String, String> archByNode = read(kafka, topics.nodes(), NodeInventory.class).stream()
                    .collect(Collectors.toMap(NodeInventory::getNode, n -> n.getGpus().stream()
                            .map(g -> g.getArch() + "/" + g.getWarpSize()).collect(Collectors.joining(",")), (a, b) -> b));
            assertThat(archByNode).containsExactlyInAnyOrderEntriesOf(
                    Map.of("rocm-node-mi210", "gfx90a/64", "rocm-node-rx7900", "gfx1100/32"));

            // every audit event the stages wrote is in the ledger, and the chain holds
            int audited = TopicContents.readAll(committed(kafka), topics.audit()).size();
            try (LedgerReader ledger = new LedgerReader(new KafkaClientFactory(kafka.bootstrapServers(), Map.of()),
                    topics.auditLedger(), "demo-it", Duration.ofSeconds(10))) {
                ChainCheck check = ledger.verify(EventCodec.INSTANCE);
                assertThat(check.broken()).isEmpty();
                assertThat(check.checked()).isEqualTo(audited).isPositive();
            }
        }
    }

    private static Map<String, Object> committed(EmbeddedKafka kafka) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    private static <T extends SpecificRecord> List<T> read(EmbeddedKafka kafka, String topic, Class<T> type) {
        return TopicContents.readAll(committed(kafka), topic).stream()
                .map(r -> EventCodec.INSTANCE.decode(topic, r.value(), type)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
