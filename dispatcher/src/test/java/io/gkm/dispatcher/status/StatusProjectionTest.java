package io.gkm.dispatcher.status;

import static io.gkm.dispatcher.status.Results.DIGEST;
import static io.gkm.dispatcher.status.Results.NEW_DIGEST;
import static io.gkm.dispatcher.status.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.ingest.model.Condition;
import io.gkm.ingest.model.GKMCacheNodeStatus;
import io.gkm.ingest.model.NodeCacheState;
import io.gkm.schemas.event.InstallOutcome;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusProjectionTest {
    private static final String KEY = "c1/team-a/GKMCache/vector-add";
    private static final OffsetDateTime T1 = OffsetDateTime.parse("2026-11-26T10:00:00Z");
    private static final OffsetDateTime T2 = OffsetDateTime.parse("2026-11-26T11:00:00Z");

    private static GKMCacheNodeStatus apply(GKMCacheNodeStatus current, InstallOutcome outcome, String digest,
            String error, OffsetDateTime now) {
        return StatusProjection.apply(current, result(outcome, KEY, "gpu-a", digest, error), "vector-add", now)
                .orElse(null);
    }

    private static Condition condition(GKMCacheNodeStatus status, String digest) {
        NodeCacheState state = status.getCaches().get("vector-add").get(digest);
        assertThat(state.getConditions()).hasSize(1);
        return state.getConditions().get(0);
    }

    @Test
    void anInstalledCacheIsExtractedAsGkmSaysIt() {
        GKMCacheNodeStatus status = apply(null, InstallOutcome.INSTALLED, DIGEST, null, T1);

        assertThat(status.getNodeName()).isEqualTo("gpu-a");
        Condition c = condition(status, DIGEST);
        assertThat(c.getType()).isEqualTo("Extracted");
        assertThat(c.getReason()).isEqualTo("Extracted");
        assertThat(c.getStatus()).isEqualTo(Condition.Status.TRUE);
        assertThat(c.getMessage()).isEqualTo("The Kernel Cache has been extracted onto the host");
        assertThat(c.getLastTransitionTime()).isEqualTo(T1);
        assertThat(status.getCaches().get("vector-add").get(DIGEST).getVolumeSize()).isEqualTo(4096L);
        assertThat(status.getCounts().getNodeCnt()).isEqualTo(1);
        assertThat(status.getCounts().getNodeNotInUseCnt()).isEqualTo(1);
        assertThat(status.getCounts().getNodeErrorCnt()).isZero();
    }

    @Test
    void alreadyPresentAfterInstalledChangesNothingSoNothingIsWritten() {
        GKMCacheNodeStatus installed = apply(null, InstallOutcome.INSTALLED, DIGEST, null, T1);

        assertThat(apply(installed, InstallOutcome.ALREADY_PRESENT, DIGEST, null, T2)).isNull();
    }

    @Test
    void alreadyPresentOnAFreshObjectIsExtracted() {
        GKMCacheNodeStatus status = apply(new GKMCacheNodeStatus(), InstallOutcome.ALREADY_PRESENT, DIGEST, null, T1);

        assertThat(condition(status, DIGEST).getType()).isEqualTo("Extracted");
        assertThat(status.getCaches().get("vector-add").get(DIGEST).getVolumeSize()).isNull();
    }

    @Test
    void aFailedExtractionIsAnErrorWithTheNodesReasonAndCounted() {
        GKMCacheNodeStatus status = apply(null, InstallOutcome.FAILED, DIGEST, "layer digest mismatch", T1);

        Condition c = condition(status, DIGEST);
        assertThat(c.getType()).isEqualTo("Error");
        assertThat(c.getReason()).isEqualTo("Error");
        assertThat(c.getMessage()).isEqualTo("extraction failed: layer digest mismatch");
        assertThat(status.getCounts().getNodeErrorCnt()).isEqualTo(1);
        assertThat(status.getCounts().getNodeNotInUseCnt()).isZero();
    }

    @Test
    void anIncompatibleNodeIsAnErrorAsGkmCountsIt() {
        GKMCacheNodeStatus status = apply(null, InstallOutcome.SKIPPED_INCOMPATIBLE, DIGEST, "gfx942 is not gfx90a", T1);

        assertThat(condition(status, DIGEST).getMessage())
                .isEqualTo("no GPU of the node is compatible: gfx942 is not gfx90a");
        assertThat(status.getCounts().getNodeErrorCnt()).isEqualTo(1);
    }

    @Test
    void aRetryThatSucceedsTurnsTheErrorIntoExtractedWithANewTransitionTime() {
        GKMCacheNodeStatus failed = apply(null, InstallOutcome.FAILED, DIGEST, "registry 503", T1);

        GKMCacheNodeStatus status = apply(failed, InstallOutcome.INSTALLED, DIGEST, null, T2);

        assertThat(condition(status, DIGEST).getType()).isEqualTo("Extracted");
        assertThat(condition(status, DIGEST).getLastTransitionTime()).isEqualTo(T2);
        assertThat(status.getCounts().getNodeErrorCnt()).isZero();
        assertThat(condition(failed, DIGEST).getType()).as("the status given is not changed").isEqualTo("Error");
    }

    @Test
    void removedDropsTheDigestThenTheCacheAndTheNodeCount() {
        GKMCacheNodeStatus two = apply(apply(null, InstallOutcome.INSTALLED, DIGEST, null, T1),
                InstallOutcome.INSTALLED, NEW_DIGEST, null, T1);

        GKMCacheNodeStatus one = apply(two, InstallOutcome.REMOVED, DIGEST, null, T2);
        assertThat(one.getCaches().get("vector-add")).containsOnlyKeys(NEW_DIGEST);
        GKMCacheNodeStatus none = apply(one, InstallOutcome.REMOVED, NEW_DIGEST, null, T2);
        assertThat(none.getCaches()).isEmpty();
        assertThat(none.getCounts().getNodeCnt()).isZero();
        assertThat(none.getCounts().getNodeNotInUseCnt()).isZero();
    }

    @Test
    void removingWhatIsNotThereWritesNothing() {
        assertThat(apply(null, InstallOutcome.REMOVED, DIGEST, null, T1)).isNull();
        GKMCacheNodeStatus installed = apply(null, InstallOutcome.INSTALLED, DIGEST, null, T1);
        assertThat(apply(installed, InstallOutcome.REMOVED, NEW_DIGEST, null, T2)).isNull();
    }

    @Test
    void otherCachesAndPodCountsOfTheNodeAreKept() {
        GKMCacheNodeStatus current = new GKMCacheNodeStatus();
        current.setNodeName("gpu-a");
        current.getCounts().setPodRunningCnt(2);
        current.getCounts().setNodeInUseCnt(1);
        NodeCacheState other = new NodeCacheState();
        Condition running = new Condition();
        running.setType("Running");
        other.getConditions().add(running);
        current.getCaches().put("flash-attn", new LinkedHashMap<>(Map.of(DIGEST, other)));

        GKMCacheNodeStatus status = apply(current, InstallOutcome.INSTALLED, DIGEST, null, T1);

        assertThat(status.getCaches()).containsOnlyKeys("flash-attn", "vector-add");
        assertThat(status.getCaches().get("flash-attn").get(DIGEST)).isSameAs(other);
        assertThat(status.getCounts().getPodRunningCnt()).isEqualTo(2);
        assertThat(status.getCounts().getNodeInUseCnt()).isEqualTo(1);
    }
}
