package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McvLabelsTest {

    /** The label values of GKM's example image (fixtures/README.md). */
    private static final Map<String, String> GKM_EXAMPLE = Map.of(
            "cache.triton.image/entry-count", "1",
            "cache.triton.image/cache-size-bytes", "80415",
            "cache.triton.image/summary", "{\"targets\":[{\"backend\":\"hip\",\"arch\":\"gfx90a\",\"warp_size\":64}]}");

    @Test
    void readsGkmsLabelsAndWritesThemBackIdentically() {
        McvLabels labels = McvLabels.fromLabels(GKM_EXAMPLE).orElseThrow();
        assertThat(labels.entryCount()).isEqualTo(1);
        assertThat(labels.cacheSizeBytes()).isEqualTo(80415);
        assertThat(labels.targets()).containsExactly(new McvLabels.Target("hip", "gfx90a", 64));
        assertThat(labels.toLabels()).isEqualTo(GKM_EXAMPLE);
    }

    @Test
    void vllmPrefixAndImagesWithoutMcvLabels() {
        McvLabels vllm = new McvLabels(McvLabels.VLLM_PREFIX, 2, 10, List.of(new McvLabels.Target("cuda", "75", 32)));
        assertThat(McvLabels.fromLabels(vllm.toLabels())).contains(vllm);
        assertThat(McvLabels.fromLabels(Map.of("org.opencontainers.image.title", "x"))).isEmpty();
    }

    @Test
    void malformedLabelsAreNamed() {
        assertThatThrownBy(() -> McvLabels.fromLabels(Map.of("cache.triton.image/summary", "{\"targets\":[]}",
                "cache.triton.image/entry-count", "one", "cache.triton.image/cache-size-bytes", "1")))
                .hasMessageContaining("cache.triton.image/entry-count").hasMessageContaining("'one'");
        assertThatThrownBy(() -> McvLabels.fromLabels(Map.of("cache.triton.image/summary", "{\"targets\":[{\"arch\":1}]}",
                "cache.triton.image/entry-count", "1", "cache.triton.image/cache-size-bytes", "1")))
                .hasMessageContaining("backend, arch and warp_size");
        assertThatThrownBy(() -> McvLabels.fromLabels(Map.of("cache.triton.image/summary", "not json",
                "cache.triton.image/entry-count", "1", "cache.triton.image/cache-size-bytes", "1")))
                .hasMessageContaining("not JSON");
    }
}
