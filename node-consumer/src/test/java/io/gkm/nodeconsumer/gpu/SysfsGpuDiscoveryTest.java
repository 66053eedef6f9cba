package io.gkm.nodeconsumer.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.schemas.event.Gpu;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPU discovery over sysfs trees written into a temp folder, each named after what it shows. */
class SysfsGpuDiscoveryTest {
    @TempDir
    Path sys;

    private GpuScan scan() {
        return new SysfsGpuDiscovery(sys).scan();
    }

    @Test
    void mi210Gfx90aNodeReportsItsTwoGpusAsOneHipGroupWithDriverVersion() {
        new SysfsTree(sys).cpuNode(0).gpuNode(1, 53011, 90010, 64, 29711, 0x5fa3c2b1L)
                .gpuNode(2, 1233, 90010, 64, 29711, 0x5fa3c2b2L).driverVersion("6.7.0")
                .drmCard("card0", "0x1002").drmCard("card1", "0x1002");
        GpuScan scan = scan();
        assertThat(scan.gpus()).containsExactly(Gpu.newBuilder().setBackend("hip").setArch("gfx90a").setWarpSize(64)
                .setIds(List.of("0x5fa3c2b1", "0x5fa3c2b2")).setDriverVersion("6.7.0").build());
        assertThat(scan.warnings()).isEmpty();
    }

    @Test
    void noGpuNodeWithoutKfdTopologyReportsAnEmptyList() {
        assertThat(scan().gpus()).isEmpty();
        assertThat(scan().warnings()).isEmpty();
    }

    @Test
    void cpuOnlyKfdNodeReportsAnEmptyList() {
        new SysfsTree(sys).cpuNode(0);
        assertThat(scan().gpus()).isEmpty();
    }

    @Test
    void mixedArchNodeGroupsGpusByArchAndWavefrontSize() {
        // An MI300X (gfx942, wave 64) and a Radeon PRO W7900 (gfx1100, RDNA3, wave 32 in KFD).
        new SysfsTree(sys).cpuNode(0).gpuNode(1, 11, 90402, 64, 0x74a1, 0).gpuNode(2, 22, 110000, 32, 0x7448, 0)
                .gpuNode(3, 33, 90402, 64, 0x74a1, 0);
        assertThat(scan().gpus()).extracting(Gpu::getArch, Gpu::getWarpSize, Gpu::getIds, Gpu::getDriverVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("gfx942", 64, List.of("gpu_id:11", "gpu_id:33"), null),
                        org.assertj.core.groups.Tuple.tuple("gfx1100", 32, List.of("gpu_id:22"), null));
    }

    @Test
    void nodesAreReadInNumericOrderNotByName() {
        new SysfsTree(sys).gpuNode(10, 100, 90010, 64, 1, 0xa).gpuNode(2, 20, 90010, 64, 1, 0x2);
        assertThat(scan().gpus().get(0).getIds()).containsExactly("0x2", "0xa");
    }

    @Test
    void amdCardWithoutKfdTopologyIsAWarningNotAGpu() {
        new SysfsTree(sys).drmCard("card0", "0x1002").drmCard("card1", "0x8086");
        GpuScan scan = scan();
        assertThat(scan.gpus()).isEmpty();
        assertThat(scan.warnings()).singleElement().asString().contains("card0").doesNotContain("card1")
                .contains("no KFD GPU node");
    }

    @Test
    void malformedPropertiesNamesTheFileAndLine() {
        new SysfsTree(sys).node(1, 5, "simd_count 416\nwave_front_size sixty-four\n");
        assertThatThrownBy(this::scan).isInstanceOf(GpuDiscoveryException.class)
                .hasMessageContaining(sys.resolve("class/kfd/kfd/topology/nodes/1/properties").toString())
                .hasMessageContaining("line 2").hasMessageContaining("wave_front_size sixty-four");
    }

    @Test
    void gpuNodeWithoutGfxTargetVersionSaysTheKernelIsTooOld() {
        new SysfsTree(sys).node(1, 5, "simd_count 416\nwave_front_size 64\nvendor_id 4098\n");
        assertThatThrownBy(this::scan).isInstanceOf(GpuDiscoveryException.class)
                .hasMessageContaining("nodes/1/properties").hasMessageContaining("without gfx_target_version");
    }

    @Test
    void gpuNodeWithoutWavefrontSizeIsRefused() {
        new SysfsTree(sys).node(1, 5, "simd_count 416\ngfx_target_version 90010\nvendor_id 4098\n");
        assertThatThrownBy(this::scan).hasMessageContaining("wave_front_size");
    }

    @Test
    void propertyGivenTwiceIsRefused() {
        new SysfsTree(sys).node(1, 5, "simd_count 416\nsimd_count 4\n");
        assertThatThrownBy(this::scan).hasMessageContaining("line 2: property simd_count given twice");
    }

    @Test
    void nodeFolderWithoutPropertiesIsRefused() {
        SysfsTree.write(sys.resolve("class/kfd/kfd/topology/nodes/3/gpu_id"), "7\n");
        assertThatThrownBy(this::scan).hasMessageContaining("nodes/3/properties: missing");
    }

    @Test
    void malformedGpuIdNamesTheFile() {
        new SysfsTree(sys).gpuNode(1, 5, 90010, 64, 1, 0);
        SysfsTree.write(sys.resolve("class/kfd/kfd/topology/nodes/1/gpu_id"), "five\n");
        // the unique id is used when present; the gpu_id file is still read and must be a number
        assertThatThrownBy(this::scan).hasMessageContaining("nodes/1/gpu_id: not an unsigned number");
    }

    @Test
    void gfxTargetVersionIsMajorMinorSteppingWithHexMinorAndStepping() {
        assertThat(KfdNode.arch(90010)).isEqualTo("gfx90a");
        assertThat(KfdNode.arch(90402)).isEqualTo("gfx942");
        assertThat(KfdNode.arch(90008)).isEqualTo("gfx908");
        assertThat(KfdNode.arch(110000)).isEqualTo("gfx1100");
        assertThat(KfdNode.arch(100300)).isEqualTo("gfx1030");
        assertThat(KfdNode.arch(120001)).isEqualTo("gfx1201");
        assertThatThrownBy(() -> KfdNode.arch(90016)).hasMessageContaining("stepping 0..15");
        assertThatThrownBy(() -> KfdNode.arch(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gpuWithAnUnsupportedGfxTargetVersionNamesTheFile() {
        new SysfsTree(sys).gpuNode(1, 5, 90099, 64, 1, 0);
        assertThatThrownBy(this::scan).isInstanceOf(GpuDiscoveryException.class)
                .hasMessageContaining("nodes/1/properties: gfx_target_version 90099");
    }
}
