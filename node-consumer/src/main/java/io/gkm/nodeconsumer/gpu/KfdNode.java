package io.gkm.nodeconsumer.gpu;

import java.util.Map;
import java.util.Optional;

/**
 * One node of the KFD topology ({@code class/kfd/kfd/topology/nodes/<n>/properties}), as amdkfd
 * writes it: one {@code <name> <unsigned decimal>} per line (kfd_topology.c, node_show; read the
 * same way by libhsakmt's topology_sysfs_get_node_props). A node with {@code simd_count} 0 is a
 * CPU; one with SIMDs is a GPU.
 *
 * @param index      the node's folder number
 * @param properties every property of the file
 * @param gpuId      the node's {@code gpu_id} file (0 for a CPU), empty when absent
 */
public record KfdNode(int index, Map<String, Long> properties, Optional<Long> gpuId) {
    /** AMD's PCI vendor id (0x1002), as KFD reports it in {@code vendor_id}. */
    public static final long AMD_VENDOR_ID = 0x1002;

    public KfdNode {
        properties = Map.copyOf(properties);
    }

    public boolean isGpu() {
        return properties.getOrDefault("simd_count", 0L) > 0;
    }

    public Optional<Long> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    /**
     * The LLVM target name of a {@code gfx_target_version}: decimal {@code MMmmss} (major * 10000 +
     * minor * 100 + stepping), written {@code gfx<major><minor in hex><stepping in hex>}, as
     * libhsakmt's HSA_GET_GFX_VERSION_* macros split it: 90010 is gfx90a, 90402 gfx942, 110000 gfx1100.
     *
     * @throws IllegalArgumentException for 0 or a minor or stepping over 15 (no single hex digit)
     */
    public static String arch(long gfxTargetVersion) {
        long major = gfxTargetVersion / 10_000;
        long minor = gfxTargetVersion / 100 % 100;
        long stepping = gfxTargetVersion % 100;
        if (major == 0 || minor > 15 || stepping > 15) {
            throw new IllegalArgumentException("gfx_target_version " + gfxTargetVersion
                    + " is not major*10000 + minor*100 + stepping with minor and stepping 0..15");
        }
        return "gfx" + major + Long.toHexString(minor) + Long.toHexString(stepping);
    }
}
