package io.gkm.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A ROCm GPU node the demo simulates: its sysfs, written as amdkfd writes it (a CPU node and one
 * GPU node in {@code class/kfd/kfd/topology/nodes}, the DKMS driver's {@code module/amdgpu/version}),
 * read by the real node-consumer's GPU discovery through GKM_SYSFS_ROOT.
 *
 * @param gfxTargetVersion KFD's {@code gfx_target_version}: 90010 is gfx90a, 110000 gfx1100
 * @param wavefront KFD's {@code wave_front_size}
 * @param simdCount KFD's {@code simd_count} (0 would make it a CPU)
 * @param uniqueId KFD's {@code unique_id}, the GPU's serial
 */
public record SimulatedNode(String name, String gpu, long gfxTargetVersion, int wavefront, int simdCount,
        long uniqueId) {
    /** An Instinct MI210 node (gfx90a, wavefront 64): the target the sample caches are built for. */
    public static final SimulatedNode COMPATIBLE = new SimulatedNode("rocm-node-mi210", "AMD Instinct MI210", 90010, 64,
            416, 0x6f3a2c1b9e8d7a01L);
    /** A Radeon RX 7900 XTX node (gfx1100, wavefront 32): no sample cache is built for it. */
    public static final SimulatedNode INCOMPATIBLE = new SimulatedNode("rocm-node-rx7900", "AMD Radeon RX 7900 XTX",
            110000, 32, 192, 0x1d2c3b4a59687702L);

    public static List<SimulatedNode> both() {
        return List.of(COMPATIBLE, INCOMPATIBLE);
    }

    /** Writes the node's sysfs under {@code root}; returns it. */
    public Path writeSysfs(Path root) {
        Path nodes = root.resolve("class/kfd/kfd/topology/nodes");
        try {
            Files.createDirectories(nodes.resolve("0"));
            Files.writeString(nodes.resolve("0/properties"), """
                    cpu_cores_count 32
                    simd_count 0
                    mem_banks_count 1
                    gfx_target_version 0
                    vendor_id 0
                    device_id 0
                    unique_id 0
                    """);
            Files.writeString(nodes.resolve("0/gpu_id"), "0\n");
            Files.createDirectories(nodes.resolve("1"));
            Files.writeString(nodes.resolve("1/properties"), """
                    cpu_cores_count 0
                    simd_count %d
                    mem_banks_count 1
                    gfx_target_version %d
                    vendor_id 4098
                    device_id 29704
                    wave_front_size %d
                    unique_id %s
                    """.formatted(simdCount, gfxTargetVersion, wavefront, Long.toUnsignedString(uniqueId)));
            Files.writeString(nodes.resolve("1/gpu_id"), "12345\n");
            Files.createDirectories(root.resolve("module/amdgpu"));
            Files.writeString(root.resolve("module/amdgpu/version"), "6.10.5\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulated sysfs of " + name + " under " + root + ": "
                    + e.getMessage(), e);
        }
        return root;
    }
}
