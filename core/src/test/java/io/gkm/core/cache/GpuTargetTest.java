package io.gkm.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuTargetTest {
    private static final GpuTarget MI210 = new GpuTarget("hip", "gfx90a", 64);

    @Test
    void aGpuCanUseACacheBuiltForItsBackendArchAndWarpSize() {
        assertThat(MI210.canUse(new GpuTarget("hip", "gfx90a", 64))).isTrue();
    }

    @Test
    void anotherArchWarpSizeOrBackendIsNotUsable() {
        assertThat(MI210.canUse(new GpuTarget("hip", "gfx942", 64))).isFalse();
        assertThat(MI210.canUse(new GpuTarget("hip", "gfx90a", 32))).isFalse();
        assertThat(MI210.canUse(new GpuTarget("cuda", "gfx90a", 64))).isFalse();
    }

    @Test
    void backendAndArchAreComparedWithoutCaseAsTheDispatcherAndTheNodeMustAgree() {
        assertThat(MI210.canUse(new GpuTarget("HIP", "GFX90A", 64))).isTrue();
        assertThat(new GpuTarget("HIP", "GFX90A", 64).key()).isEqualTo(MI210.key()).isEqualTo("hip/gfx90a/64");
    }
}
