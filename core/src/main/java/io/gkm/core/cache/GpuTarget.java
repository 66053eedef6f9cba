package io.gkm.core.cache;

import java.util.Locale;
import java.util.Objects;

/**
 * A GPU type as kernel caches are built for it: backend (hip, cuda), architecture (gfx90a, 75) and
 * warp size. The one compatibility rule of the pipeline (DESIGN.md section 5), which the dispatcher
 * routes by and the node-consumer checks again: a GPU can use a cache when one of the cache's
 * targets has its backend, architecture and warp size. Backend and architecture are compared
 * without case, since labels written by hand and sysfs need not agree on it.
 */
public record GpuTarget(String backend, String arch, int warpSize) {
    public GpuTarget {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(arch, "arch");
    }

    /** True when a GPU of this type can use a cache built for {@code target}. */
    public boolean canUse(GpuTarget target) {
        return backend.equalsIgnoreCase(target.backend) && arch.equalsIgnoreCase(target.arch)
                && warpSize == target.warpSize;
    }

    /** {@code backend/arch/warpSize} in lower case: what compatibility depends on, as one key. */
    public String key() {
        return backend.toLowerCase(Locale.ROOT) + "/" + arch.toLowerCase(Locale.ROOT) + "/" + warpSize;
    }
}
