package io.gkm.dispatcher.routing;

import static io.gkm.dispatcher.routing.Events.CUDA_75;
import static io.gkm.dispatcher.routing.Events.DIGEST;
import static io.gkm.dispatcher.routing.Events.OTHER_DIGEST;
import static io.gkm.dispatcher.routing.Events.ROCM_GFX90A;
import static io.gkm.dispatcher.routing.Events.deleted;
import static io.gkm.dispatcher.routing.Events.gpu;
import static io.gkm.dispatcher.routing.Events.node;
import static io.gkm.dispatcher.routing.Events.verdict;
import static io.gkm.dispatcher.routing.Events.verified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DispatchHandlerTest {
    private static final String KEY = "c1/team-a/GKMCache/vector-add";
    private static final String CLUSTER_KEY = "c1/_cluster/ClusterGKMCache/flash-attn";
    private static final String IMAGE = "quay.io/gkm/vector-add-cache:rocm";
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final NodeInventory GFX90A = node("c1", "gpu-a", gpu("hip", "gfx90a", 64));
    private static final NodeInventory GFX942 = node("c1", "gpu-b", gpu("hip", "gfx942", 64));
    private static final NodeInventory OTHER_CLUSTER = node("c2", "gpu-c", gpu("hip", "gfx90a", 64));

    private final Topics topics = new Topics();
    private final State state = new State();
    private final AtomicLong ids = new AtomicLong();
    private final DispatchHandler handler = new DispatchHandler(topics, state,
            new InstallJobs(new CacheLayout(Path.of(CacheLayout.DEFAULT_ROOT)), () -> new UUID(0, ids.incrementAndGet()),
                    Clock.fixed(NOW, ZoneOffset.UTC)));

    /** The views, as maps. */
    private static final class State implements DispatchState {
        final Map<String, NodeInventory> nodes = new LinkedHashMap<>();
        final Map<String, VerificationResult> caches = new LinkedHashMap<>();
        final Map<String, NodeInventory> dispatched = new LinkedHashMap<>();

        State with(NodeInventory... reported) {
            for (NodeInventory n : reported) {
                nodes.put(n.getCluster() + "/" + n.getNode(), n);
            }
            return this;
        }

        @Override
        public Collection<NodeInventory> nodes(String cluster) {
            return nodes.values().stream().filter(n -> n.getCluster().equals(cluster)).toList();
        }

        @Override
        public Optional<VerificationResult> verified(String resourceKey) {
            return Optional.ofNullable(caches.get(resourceKey));
        }

        @Override
        public Collection<VerificationResult> verifiedCaches(String cluster) {
            return caches.values().stream().filter(r -> r.getResourceKey().startsWith(cluster + "/")).toList();
        }

        @Override
        public Optional<NodeInventory> dispatchedFor(String cluster, String node) {
            return Optional.ofNullable(dispatched.get(cluster + "/" + node));
        }
    }

    private Decision decide(String topic, String key, SpecificRecord event) {
        CloudEventHeaders headers = new CloudEventHeaders("id-1", "/gkm/c1/verifier/v-0", "io.gkm.verification.v1",
                NOW, key, "corr-1");
        return handler.decide(new Inbound(topic, 0, 0, key, headers, event));
    }

    private Decision verdictIn(VerificationResult result) {
        return decide(topics.verifications(), result.getResourceKey(), result);
    }

    private static List<InstallJob> jobs(Decision d) {
        List<InstallJob> jobs = new ArrayList<>();
        d.outputs().stream().filter(o -> o.event() instanceof InstallJob).forEach(o -> jobs.add((InstallJob) o.event()));
        return jobs;
    }

    private List<Outbound> stateWrites(Decision d) {
        return d.outputs().stream().filter(o -> o.topic().equals(topics.dispatcherState())).toList();
    }

    @Test
    void aVerifiedRocmCacheGoesToTheGfx90aNodeOnlyPinnedByDigestIntoGkmsFolder() {
        state.with(GFX90A, GFX942, OTHER_CLUSTER);

        Decision d = verdictIn(verified(KEY, IMAGE, ROCM_GFX90A));

        List<InstallJob> jobs = jobs(d);
        assertThat(jobs).hasSize(1);
        InstallJob job = jobs.get(0);
        assertThat(job.getAction()).isEqualTo(JobAction.INSTALL);
        assertThat(job.getJobId()).isEqualTo(new UUID(0, 1).toString());
        assertThat(job.getAttempt()).isEqualTo(1);
        assertThat(job.getReplayOf()).isNull();
        assertThat(job.getResourceKey()).isEqualTo(KEY);
        assertThat(job.getCluster()).isEqualTo("c1");
        assertThat(job.getNode()).isEqualTo("gpu-a");
        assertThat(job.getImage()).isEqualTo("quay.io/gkm/vector-add-cache@" + DIGEST);
        assertThat(job.getDigest()).isEqualTo(DIGEST);
        assertThat(job.getTargetPath()).isEqualTo("/var/lib/gkm/caches/team-a/vector-add/" + DIGEST);
        assertThat(job.getCreatedAt()).isEqualTo(NOW);
        Outbound out = d.outputs().stream().filter(o -> o.event() == job).findFirst().orElseThrow();
        assertThat(out.topic()).isEqualTo("gkm.jobs.c1.gpu-a");
        assertThat(out.key()).isEqualTo(KEY);

        assertThat(d.audits()).extracting(AuditEntry::outcome)
                .containsExactly(DispatchHandler.DISPATCHED, DispatchHandler.SKIPPED_INCOMPATIBLE);
        AuditEntry skipped = d.audits().get(1);
        assertThat(skipped.details()).containsEntry("node", "gpu-b").containsEntry("gpus", "hip/gfx942/64")
                .containsEntry("targets", "hip/gfx90a/64");
        assertThat(skipped.resourceKey()).isEqualTo(KEY);
        assertThat(d.audits().get(0).details()).containsEntry("jobId", job.getJobId())
                .containsEntry("topic", "gkm.jobs.c1.gpu-a");
        assertThat(stateWrites(d)).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo(KEY);
            assertThat(o.event()).isInstanceOf(VerificationResult.class);
        });
    }

    @Test
    void aCudaCacheGoesToNoRocmNode() {
        state.with(GFX90A, GFX942);

        Decision d = verdictIn(verified(KEY, IMAGE, CUDA_75));

        assertThat(jobs(d)).isEmpty();
        assertThat(d.audits()).extracting(AuditEntry::outcome)
                .containsExactly(DispatchHandler.SKIPPED_INCOMPATIBLE, DispatchHandler.SKIPPED_INCOMPATIBLE);
        assertThat(stateWrites(d)).as("still recorded: a CUDA node may report later").hasSize(1);
    }

    @Test
    void aTaggedAndPinnedImageIsSentByDigestAloneWithDockerHubNamesNormalised() {
        state.with(GFX90A);

        InstallJob tagged = jobs(verdictIn(verified(KEY, "quay.io/gkm/cache:v1@" + DIGEST, ROCM_GFX90A))).get(0);
        state.caches.clear();
        InstallJob hub = jobs(verdictIn(verified("c1/team-a/GKMCache/hub", "gkm/cache:latest", ROCM_GFX90A))).get(0);

        assertThat(tagged.getImage()).isEqualTo("quay.io/gkm/cache@" + DIGEST);
        assertThat(hub.getImage()).isEqualTo("docker.io/gkm/cache@" + DIGEST);
    }

    @Test
    void aClusterScopedCacheIsExtractedUnderGkmsClusterScopedFolder() {
        state.with(GFX90A);

        InstallJob job = jobs(verdictIn(verified(CLUSTER_KEY, IMAGE, ROCM_GFX90A))).get(0);

        assertThat(job.getTargetPath()).isEqualTo("/var/lib/gkm/caches/cluster-scoped/flash-attn/" + DIGEST);
    }

    @Test
    void eachJobHasItsOwnId() {
        state.with(GFX90A, node("c1", "gpu-d", gpu("hip", "gfx90a", 64)));

        List<InstallJob> jobs = jobs(verdictIn(verified(KEY, IMAGE, ROCM_GFX90A)));

        assertThat(jobs).extracting(InstallJob::getNode).containsExactly("gpu-a", "gpu-d");
        assertThat(jobs).extracting(InstallJob::getJobId).doesNotHaveDuplicates();
    }

    @Test
    void aRejectedVerdictDispatchesNothingSaysWhyAndWithdrawsTheCache() {
        state.with(GFX90A);

        Decision d = verdictIn(verdict(Verdict.REJECTED, KEY, IMAGE, DIGEST, ROCM_GFX90A));

        assertThat(jobs(d)).isEmpty();
        assertThat(d.audits()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(DispatchHandler.NOT_DISPATCHED);
            assertThat(a.reason()).startsWith("verdict REJECTED: no signatures found for the image");
            assertThat(a.resourceKey()).isEqualTo(KEY);
        });
        assertThat(stateWrites(d)).singleElement()
                .satisfies(o -> assertThat(((VerificationResult) o.event()).getVerdict()).isEqualTo(Verdict.REJECTED));
    }

    @Test
    void anErrorVerdictDispatchesNothingAndKeepsTheLastVerifiedOne() {
        state.with(GFX90A);

        Decision d = verdictIn(verdict(Verdict.ERROR, KEY, IMAGE, null));

        assertThat(d.outputs()).isEmpty();
        assertThat(d.audits()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(DispatchHandler.NOT_DISPATCHED);
            assertThat(a.reason()).startsWith("verdict ERROR: ");
        });
    }

    @Test
    void aVerdictBeforeAnyNodeReportedIsRecordedAndAuditedForLater() {
        Decision d = verdictIn(verified(KEY, IMAGE, ROCM_GFX90A));

        assertThat(jobs(d)).isEmpty();
        assertThat(stateWrites(d)).hasSize(1);
        assertThat(d.audits()).extracting(AuditEntry::outcome).containsExactly(DispatchHandler.NO_NODES);
    }

    @Test
    void theSameDigestAndTargetsVerifiedAgainDispatchNothing() {
        state.with(GFX90A);
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));

        Decision d = verdictIn(verified(KEY, IMAGE, ROCM_GFX90A));

        assertThat(d.outputs()).isEmpty();
        assertThat(d.audits()).extracting(AuditEntry::outcome).containsExactly(DispatchHandler.UNCHANGED);
    }

    @Test
    void aNewDigestOfAVerifiedCacheIsDispatchedAgain() {
        state.with(GFX90A);
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));

        Decision d = verdictIn(verdict(Verdict.VERIFIED, KEY, IMAGE, OTHER_DIGEST, ROCM_GFX90A));

        assertThat(jobs(d)).singleElement().satisfies(j -> assertThat(j.getDigest()).isEqualTo(OTHER_DIGEST));
    }

    @Test
    void aVerifiedResultWithoutDigestIsRefusedSoTheLoopDeadLettersIt() {
        state.with(GFX90A);

        assertThatThrownBy(() -> verdictIn(verdict(Verdict.VERIFIED, KEY, IMAGE, null, ROCM_GFX90A)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no image digest");
    }

    @Test
    void aResourceKeyThatCannotNameAFolderIsRefused() {
        state.with(node("c1", "gpu-a", gpu("hip", "gfx90a", 64)));

        assertThatThrownBy(() -> verdictIn(verified("c1/team-a/GKMCache/..", IMAGE, ROCM_GFX90A)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot name a folder");
    }

    @Test
    void aNodeThatReportsGetsEveryVerifiedCacheOfItsClusterThatFitsIt() {
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));
        state.caches.put(CLUSTER_KEY, verified(CLUSTER_KEY, "quay.io/gkm/flash-attn:cuda", CUDA_75));
        state.caches.put("c2/team-a/GKMCache/elsewhere", verified("c2/team-a/GKMCache/elsewhere", IMAGE, ROCM_GFX90A));

        Decision d = decide(topics.nodes(), "c1/gpu-a", GFX90A);

        assertThat(jobs(d)).singleElement().satisfies(j -> {
            assertThat(j.getResourceKey()).isEqualTo(KEY);
            assertThat(j.getNode()).isEqualTo("gpu-a");
            assertThat(j.getAction()).isEqualTo(JobAction.INSTALL);
        });
        assertThat(d.outputs()).filteredOn(o -> o.event() instanceof InstallJob).singleElement()
                .satisfies(o -> assertThat(o.topic()).isEqualTo("gkm.jobs.c1.gpu-a"));
        assertThat(stateWrites(d)).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo("c1/gpu-a");
            assertThat(o.event()).isEqualTo(GFX90A);
        });
        assertThat(d.audits()).extracting(AuditEntry::outcome).containsExactly(DispatchHandler.DISPATCHED);
        assertThat(d.audits().get(0).reason()).contains("new node with GPUs hip/gfx90a/64");
    }

    @Test
    void aRepeatedReportOfTheSameGpusDoesNothingNotEvenAnAudit() {
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));
        state.dispatched.put("c1/gpu-a", node("c1", "gpu-a", gpu("HIP", "gfx90a", 64)));

        Decision d = decide(topics.nodes(), "c1/gpu-a", GFX90A);

        assertThat(d.outputs()).isEmpty();
        assertThat(d.audits()).isEmpty();
    }

    @Test
    void aNodeWhoseGpusChangedGetsWhatItCanUseNow() {
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));
        state.dispatched.put("c1/gpu-a", node("c1", "gpu-a", gpu("hip", "gfx942", 64)));

        Decision d = decide(topics.nodes(), "c1/gpu-a", GFX90A);

        assertThat(jobs(d)).singleElement().satisfies(j -> assertThat(j.getResourceKey()).isEqualTo(KEY));
        assertThat(d.audits().get(0).reason()).contains("node's GPUs changed from hip/gfx942/64 to hip/gfx90a/64");
        assertThat(stateWrites(d)).hasSize(1);
    }

    @Test
    void aNodeThatNoVerifiedCacheFitsIsAuditedWithNothingSent() {
        state.caches.put(KEY, verified(KEY, IMAGE, CUDA_75));

        Decision d = decide(topics.nodes(), "c1/gpu-a", GFX90A);

        assertThat(jobs(d)).isEmpty();
        assertThat(stateWrites(d)).as("the report is recorded: its repeats are not dispatched").hasSize(1);
        assertThat(d.audits()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(DispatchHandler.NOTHING_TO_DISPATCH);
            assertThat(a.details()).containsEntry("node", "gpu-a").containsEntry("cluster", "c1");
        });
    }

    @Test
    void aDeletedCacheIsRemovedFromTheNodesThatCanUseItAndForgotten() {
        state.with(GFX90A, GFX942);
        state.caches.put(KEY, verified(KEY, IMAGE, ROCM_GFX90A));

        Decision d = decide(topics.resources(), KEY, deleted(KEY, "team-a", "vector-add"));

        assertThat(jobs(d)).singleElement().satisfies(j -> {
            assertThat(j.getAction()).isEqualTo(JobAction.REMOVE);
            assertThat(j.getNode()).isEqualTo("gpu-a");
            assertThat(j.getDigest()).isEqualTo(DIGEST);
            assertThat(j.getImage()).isEqualTo("quay.io/gkm/vector-add-cache@" + DIGEST);
            assertThat(j.getTargetPath()).isEqualTo("/var/lib/gkm/caches/team-a/vector-add/" + DIGEST);
        });
        assertThat(stateWrites(d)).singleElement().satisfies(o -> assertThat(((ResourceEvent) o.event())
                .getChangeType()).isEqualTo(ChangeType.DELETED));
        assertThat(d.audits()).extracting(AuditEntry::outcome).containsExactly(DispatchHandler.DISPATCHED);
    }

    @Test
    void aDeletedCacheThatWasNeverVerifiedRemovesNothing() {
        state.with(GFX90A);

        Decision d = decide(topics.resources(), KEY, deleted(KEY, "team-a", "vector-add"));

        assertThat(jobs(d)).isEmpty();
        assertThat(d.audits()).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(DispatchHandler.NOTHING_TO_DISPATCH));
    }

    @Test
    void addedAndModifiedResourcesWaitForTheirVerdict() {
        state.with(GFX90A);
        ResourceEvent added = ResourceEvent.newBuilder(deleted(KEY, "team-a", "vector-add"))
                .setChangeType(ChangeType.ADDED).build();

        Decision d = decide(topics.resources(), KEY, added);

        assertThat(d.outputs()).isEmpty();
        assertThat(d.audits()).isEmpty();
    }

    @Test
    void anotherEventTypeIsRefused() {
        assertThatThrownBy(() -> decide(topics.verifications(), KEY, jobsOf()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io.gkm.schemas.event.InstallJob");
    }

    private InstallJob jobsOf() {
        state.with(GFX90A);
        return jobs(verdictIn(verified(KEY, IMAGE, ROCM_GFX90A))).get(0);
    }
}
