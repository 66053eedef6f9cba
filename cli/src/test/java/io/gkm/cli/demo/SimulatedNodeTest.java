package io.gkm.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.nodeconsumer.gpu.GpuScan;
import io.gkm.nodeconsumer.gpu.SysfsGpuDiscovery;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedNodeTest {
    @TempDir
    Path dir;

    @Test
    void theCompatibleNodesSysfsReadsAsOneGfx90aWithWavefront64() {
        GpuScan scan = new SysfsGpuDiscovery(SimulatedNode.COMPATIBLE.writeSysfs(dir)).scan();
        assertThat(scan.warnings()).isEmpty();
        assertThat(scan.gpus()).singleElement().satisfies(g -> {
            assertThat(g.getBackend()).isEqualTo("hip");
            assertThat(g.getArch()).isEqualTo("gfx90a");
            assertThat(g.getWarpSize()).isEqualTo(64);
            assertThat(g.getIds()).containsExactly("0x6f3a2c1b9e8d7a01");
            assertThat(g.getDriverVersion()).isEqualTo("6.10.5");
        });
    }

    @Test
    void theIncompatibleNodesSysfsReadsAsOneGfx1100WithWavefront32() {
        GpuScan scan = new SysfsGpuDiscovery(SimulatedNode.INCOMPATIBLE.writeSysfs(dir)).scan();
        assertThat(scan.gpus()).singleElement().satisfies(g -> {
            assertThat(g.getArch()).isEqualTo("gfx1100");
            assertThat(g.getWarpSize()).isEqualTo(32);
        });
    }
}
