package io.gkm.nodeconsumer.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a fake sysfs the way amdkfd lays it out, for tests: KFD topology nodes with their
 * properties file (one {@code <name> <value>} per line) and gpu_id, DRM cards, the amdgpu module
 * version. Property sets follow what a real MI210 (gfx90a) and a CPU node report.
 */
public final class SysfsTree {
    private final Path root;

    public SysfsTree(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A CPU node: cores, no SIMDs, gfx_target_version 0, gpu_id 0. */
    public SysfsTree cpuNode(int index) {
        return node(index, 0, """
                cpu_cores_count 64
                simd_count 0
                mem_banks_count 1
                caches_count 0
                io_links_count 2
                p2p_links_count 0
                cpu_core_id_base 0
                simd_id_base 0
                max_waves_per_simd 0
                lds_size_in_kb 0
                gds_size_in_kb 0
                num_gws 0
                wave_front_size 0
                array_count 0
                simd_arrays_per_engine 0
                cu_per_simd_array 0
                simd_per_cu 0
                max_slots_scratch_cu 0
                gfx_target_version 0
                vendor_id 0
                device_id 0
                location_id 0
                domain 0
                drm_render_minor 0
                hive_id 0
                num_sdma_engines 0
                num_sdma_xgmi_engines 0
                num_sdma_queues_per_engine 0
                num_cp_queues 0
                max_engine_clk_ccompute 3700
                """);
    }

    /** An AMD GPU node (vendor 0x1002 = 4098) of the given gfx target, wavefront size and unique id. */
    public SysfsTree gpuNode(int index, long gpuId, long gfxTargetVersion, int waveFrontSize, int deviceId, long uniqueId) {
        return node(index, gpuId, """
                cpu_cores_count 0
                simd_count 416
                mem_banks_count 1
                caches_count 210
                io_links_count 1
                p2p_links_count 3
                cpu_core_id_base 0
                simd_id_base 2147487744
                max_waves_per_simd 8
                lds_size_in_kb 64
                gds_size_in_kb 0
                num_gws 64
                wave_front_size %d
                array_count 8
                simd_arrays_per_engine 1
                cu_per_simd_array 13
                simd_per_cu 4
                max_slots_scratch_cu 32
                gfx_target_version %d
                vendor_id 4098
                device_id %d
                location_id 768
                domain 0
                drm_render_minor %d
                hive_id 0
                num_sdma_engines 2
                num_sdma_xgmi_engines 3
                num_sdma_queues_per_engine 8
                num_cp_queues 24
                max_engine_clk_fcompute 1700
                local_mem_size 0
                fw_version 78
                capability 746300032
                debug_prop 1495
                sdma_fw_version 8
                unique_id %d
                num_xcc 1
                max_engine_clk_ccompute 3700
                """.formatted(waveFrontSize, gfxTargetVersion, deviceId, 128 + index, uniqueId));
    }

    /** A node folder with exactly this properties text. */
    public SysfsTree node(int index, long gpuId, String properties) {
        Path dir = root.resolve(SysfsGpuDiscovery.KFD_NODES).resolve(Integer.toString(index));
        write(dir.resolve("properties"), properties);
        write(dir.resolve("gpu_id"), gpuId + "\n");
        write(dir.resolve("name"), gpuId == 0 ? "\n" : "gfx90a\n");
        return this;
    }

    public SysfsTree drmCard(String card, String vendor) {
        write(root.resolve(SysfsGpuDiscovery.DRM).resolve(card).resolve("device/vendor"), vendor + "\n");
        return this;
    }

    public SysfsTree driverVersion(String version) {
        write(root.resolve(SysfsGpuDiscovery.DRIVER_VERSION), version + "\n");
        return this;
    }

    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
