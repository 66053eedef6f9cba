package io.gkm.dispatcher.routing;

import static io.gkm.dispatcher.routing.Events.CUDA_75;
import static io.gkm.dispatcher.routing.Events.ROCM_GFX90A;
import static io.gkm.dispatcher.routing.Events.gpu;
import static io.gkm.dispatcher.routing.Events.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.event.CacheTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompatibilityTest {
    @Test
    void aGfx90aGpuWithWavefront64FitsGkmsRocmSummary() {
        assertThat(Compatibility.compatible(gpu("hip", "gfx90a", 64), List.of(ROCM_GFX90A))).isTrue();
    }

    @Test
    void anotherArchitectureDoesNotFit() {
        assertThat(Compatibility.compatible(gpu("hip", "gfx942", 64), List.of(ROCM_GFX90A))).isFalse();
    }

    @Test
    void anotherWarpSizeDoesNotFit() {
        assertThat(Compatibility.compatible(gpu("hip", "gfx90a", 32), List.of(ROCM_GFX90A))).isFalse();
    }

    @Test
    void anotherBackendDoesNotFitEvenWithTheSameArchitectureName() {
        assertThat(Compatibility.compatible(gpu("cuda", "gfx90a", 64), List.of(ROCM_GFX90A))).isFalse();
    }

    @Test
    void aCudaCacheFitsOnlyATuringGpuWithWarp32() {
        assertThat(Compatibility.compatible(gpu("cuda", "75", 32), List.of(CUDA_75))).isTrue();
        assertThat(Compatibility.compatible(gpu("cuda", "80", 32), List.of(CUDA_75))).isFalse();
        assertThat(Compatibility.compatible(gpu("hip", "gfx90a", 64), List.of(CUDA_75))).isFalse();
    }

    @Test
    void backendAndArchitectureAreComparedWithoutCase() {
        assertThat(Compatibility.compatible(gpu("HIP", "GFX90A", 64), List.of(ROCM_GFX90A))).isTrue();
    }

    @Test
    void oneMatchingTargetOfSeveralIsEnough() {
        assertThat(Compatibility.compatible(gpu("cuda", "75", 32), List.of(ROCM_GFX90A, CUDA_75))).isTrue();
    }

    @Test
    void aCacheWithoutTargetsFitsNoGpu() {
        assertThat(Compatibility.compatible(gpu("hip", "gfx90a", 64), List.<CacheTarget>of())).isFalse();
    }

    @Test
    void aNodeFitsWhenAnyOfItsGpuGroupsFits() {
        assertThat(Compatibility.compatible(node("c1", "n1", gpu("cuda", "75", 32), gpu("hip", "gfx90a", 64)),
                List.of(ROCM_GFX90A))).isTrue();
        assertThat(Compatibility.compatible(node("c1", "n2"), List.of(ROCM_GFX90A))).as("a node without GPUs")
                .isFalse();
    }

    @Test
    void descriptionsNameBackendArchitectureAndWarpSize() {
        assertThat(Compatibility.describeGpus(node("c1", "n1", gpu("hip", "gfx90a", 64)))).isEqualTo("hip/gfx90a/64");
        assertThat(Compatibility.describeGpus(node("c1", "n1"))).isEqualTo("no GPU");
        assertThat(Compatibility.describeTargets(List.of(ROCM_GFX90A, CUDA_75))).isEqualTo("hip/gfx90a/64, cuda/75/32");
    }
}
