package io.gkm.dispatcher.routing;

import io.gkm.core.cache.GpuTarget;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.NodeInventory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * GKM's compatibility rule (DESIGN.md section 5): a GPU can use a kernel cache when one of the
 * cache's targets has the GPU's backend, architecture and warp size. Backend and architecture
 * are compared without regard to case ({@code HIP} and {@code hip} name one backend).
 */
public final class Compatibility {
    private Compatibility() {
    }

    /** True when {@code gpu} matches one of {@code targets}. */
    public static boolean compatible(Gpu gpu, List<CacheTarget> targets) {
        GpuTarget type = type(gpu);
        return targets.stream().anyMatch(t -> type.canUse(new GpuTarget(t.getBackend(), t.getArch(), t.getWarpSize())));
    }

    /** True when one GPU of {@code node} matches one of {@code targets}. */
    public static boolean compatible(NodeInventory node, List<CacheTarget> targets) {
        return node.getGpus().stream().anyMatch(gpu -> compatible(gpu, targets));
    }

    /**
     * What compatibility depends on: the {@code backend/arch/warpSize} of each GPU group, backend
     * and architecture in lower case (ids and driver versions left out).
     */
    public static Set<String> gpuTypes(NodeInventory node) {
        return node.getGpus().stream().map(g -> type(g).key()).collect(Collectors.toSet());
    }

    /** {@code backend/arch/warpSize} of each GPU group, for a reason a person reads. */
    public static String describeGpus(NodeInventory node) {
        if (node.getGpus().isEmpty()) {
            return "no GPU";
        }
        return String.join(", ", node.getGpus().stream()
                .map(g -> g.getBackend() + "/" + g.getArch() + "/" + g.getWarpSize()).toList());
    }

    /** {@code backend/arch/warpSize} of each target. */
    public static String describeTargets(List<CacheTarget> targets) {
        if (targets.isEmpty()) {
            return "no target";
        }
        return String.join(", ", targets.stream()
                .map(t -> t.getBackend() + "/" + t.getArch() + "/" + t.getWarpSize()).toList());
    }

    private static GpuTarget type(Gpu gpu) {
        return new GpuTarget(gpu.getBackend(), gpu.getArch(), gpu.getWarpSize());
    }
}
