package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** GPUs of one product on a node, grouped: same type, same driver. */
public class GpuInfo {
    @JsonPropertyDescription("Product name of the GPU.")
    private String gpuType;
    @JsonPropertyDescription("Version of the driver managing the GPU.")
    private String driverVersion;
    @JsonPropertyDescription("Indexes of the GPUs of this type on the node.")
    private List<Long> ids = new ArrayList<>();

    public String getGpuType() {
        return gpuType;
    }

    public void setGpuType(String gpuType) {
        this.gpuType = gpuType;
    }

    public String getDriverVersion() {
        return driverVersion;
    }

    public void setDriverVersion(String driverVersion) {
        this.driverVersion = driverVersion;
    }

    public List<Long> getIds() {
        return ids;
    }

    public void setIds(List<Long> ids) {
        this.ids = ids;
    }
}
