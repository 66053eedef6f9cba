package io.gkm.nodeconsumer.install;

import io.gkm.core.cache.GpuTarget;
import io.gkm.schemas.event.Gpu;
import io.gkm.verifier.oci.McvLabels;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a node can use a cache (DESIGN.md section 5): a GPU is compatible when a target of the
 * image's summary label has its backend, arch and warp size. Pure.
 */
public final class Compatibility {
    private Compatibility() {
    }

    /** The first GPU group of {@code gpus} that some target matches, empty when none does. */
    public static Optional<Gpu> firstMatch(List<Gpu> gpus, List<McvLabels.Target> targets) {
        return gpus.stream().filter(gpu -> targets.stream().anyMatch(t -> matches(gpu, t))).findFirst();
    }

    static boolean matches(Gpu gpu, McvLabels.Target target) {
        return new GpuTarget(gpu.getBackend(), gpu.getArch(), gpu.getWarpSize())
                .canUse(new GpuTarget(target.backend(), target.arch(), target.warpSize()));
    }

    /** Why nothing matched, for SKIPPED_INCOMPATIBLE: what the node has and what the image was built for. */
    public static String mismatch(String node, List<Gpu> gpus, List<McvLabels.Target> targets) {
        String has = gpus.isEmpty() ? "no GPU" : gpus.stream()
                .map(g -> g.getBackend() + " " + g.getArch() + " warp " + g.getWarpSize() + " (" + g.getIds().size()
                        + " GPU" + (g.getIds().size() == 1 ? "" : "s") + ")")
                .collect(Collectors.joining(", "));
        String built = targets.stream().map(t -> t.backend() + " " + t.arch() + " warp " + t.warpSize())
                .collect(Collectors.joining(", "));
        return "node " + node + " has " + has + "; the cache was built for " + built;
    }
}
