package io.gkm.dispatcher.view;

import static io.gkm.dispatcher.routing.Events.DIGEST;
import static io.gkm.dispatcher.routing.Events.ROCM_GFX90A;
import static io.gkm.dispatcher.routing.Events.deleted;
import static io.gkm.dispatcher.routing.Events.gpu;
import static io.gkm.dispatcher.routing.Events.node;
import static io.gkm.dispatcher.routing.Events.verdict;
import static io.gkm.dispatcher.routing.Events.verified;
import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.Verdict;
import org.junit.jupiter.api.Test;

class DispatchViewsTest {
    private static final String KEY = "c1/team-a/GKMCache/vector-add";

    @Test
    void aVerifiedResultIsKeptAndARejectionADeletionOrATombstoneForgetsIt() {
        assertThat(DispatchViews.state(KEY, verified(KEY, "quay.io/gkm/c:1", ROCM_GFX90A))).isPresent();
        assertThat(DispatchViews.state(KEY, verdict(Verdict.REJECTED, KEY, "quay.io/gkm/c:1", DIGEST))).isEmpty();
        assertThat(DispatchViews.state(KEY, deleted(KEY, "team-a", "vector-add"))).isEmpty();
        assertThat(DispatchViews.state(KEY, null)).isEmpty();
    }

    @Test
    void theReportJobsWereLastSentForIsKept() {
        NodeInventory n = node("c1", "gpu-a", gpu("hip", "gfx90a", 64));

        assertThat(DispatchViews.state("c1/gpu-a", n)).contains(n);
    }

    @Test
    void aNodesReportIsKeptAndATombstoneForgetsTheNode() {
        NodeInventory n = node("c1", "gpu-a", gpu("hip", "gfx90a", 64));

        assertThat(DispatchViews.node("c1/gpu-a", n)).contains(n);
        assertThat(DispatchViews.node("c1/gpu-a", null)).isEmpty();
    }
}
