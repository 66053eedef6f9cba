package io.gkm.nodeconsumer.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.event.Gpu;
import io.gkm.verifier.oci.McvLabels.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompatibilityTest {
    private static Gpu gpu(String arch, int warp) {
        return Gpu.newBuilder().setBackend("hip").setArch(arch).setWarpSize(warp).setIds(List.of("0x1")).build();
    }

    @Test
    void aGpuMatchesATargetOfTheSameBackendArchAndWarpSize() {
        assertThat(Compatibility.firstMatch(List.of(gpu("gfx942", 64), gpu("gfx90a", 64)),
                List.of(new Target("hip", "gfx90a", 64)))).contains(gpu("gfx90a", 64));
    }

    @Test
    void archWarpSizeOrBackendAloneDoNotMatch() {
        assertThat(Compatibility.firstMatch(List.of(gpu("gfx90a", 64)), List.of(new Target("hip", "gfx90a", 32),
                new Target("cuda", "gfx90a", 64), new Target("hip", "gfx942", 64)))).isEmpty();
    }

    @Test
    void aTargetLabelledInCapitalsMatchesAsTheDispatcherRoutedIt() {
        assertThat(Compatibility.firstMatch(List.of(gpu("gfx90a", 64)), List.of(new Target("HIP", "GFX90A", 64))))
                .contains(gpu("gfx90a", 64));
    }

    @Test
    void mismatchSaysWhatTheNodeHasAndWhatTheCacheWasBuiltFor() {
        assertThat(Compatibility.mismatch("gpu-1", List.of(gpu("gfx942", 64)), List.of(new Target("hip", "gfx90a", 64))))
                .isEqualTo("node gpu-1 has hip gfx942 warp 64 (1 GPU); the cache was built for hip gfx90a warp 64");
        assertThat(Compatibility.mismatch("cpu-1", List.of(), List.of(new Target("hip", "gfx90a", 64))))
                .startsWith("node cpu-1 has no GPU;");
    }
}
