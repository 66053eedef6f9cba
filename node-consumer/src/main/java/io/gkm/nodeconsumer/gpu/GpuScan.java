package io.gkm.nodeconsumer.gpu;

import io.gkm.schemas.event.Gpu;
import java.util.List;

/**
 * What a look at sysfs found.
 *
 * @param gpus     GPU groups (identical backend, arch, warp size and driver), ids in node order;
 *                 empty on a node without GPUs
 * @param warnings what looked odd but did not stop the scan (an AMD card without KFD topology, say)
 */
public record GpuScan(List<Gpu> gpus, List<String> warnings) {
    public GpuScan {
        gpus = List.copyOf(gpus);
        warnings = List.copyOf(warnings);
    }
}
