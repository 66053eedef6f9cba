package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The state of one extracted cache (one digest) on one node. */
public class NodeCacheState {
    @JsonProperty("compatibleGPUs")
    @JsonPropertyDescription("Ids (from status.gpus) of the GPUs the cache fits.")
    private List<Long> compatibleGpus = new ArrayList<>();
    @JsonProperty("incompatibleGPUs")
    @JsonPropertyDescription("Ids (from status.gpus) of the GPUs the cache does not fit.")
    private List<Long> incompatibleGpus = new ArrayList<>();
    @JsonPropertyDescription("Conditions of the cache on this node.")
    private List<Condition> conditions = new ArrayList<>();
    @Required
    @JsonPropertyDescription("When this entry was last written (RFC 3339).")
    private OffsetDateTime lastUpdated;
    @JsonPropertyDescription("Bytes the extracted cache takes.")
    private Long volumeSize;
    @JsonPropertyDescription("Pods that mount the cache.")
    private List<CacheMount> pods = new ArrayList<>();

    public List<Long> getCompatibleGpus() {
        return compatibleGpus;
    }

    public void setCompatibleGpus(List<Long> compatibleGpus) {
        this.compatibleGpus = compatibleGpus;
    }

    public List<Long> getIncompatibleGpus() {
        return incompatibleGpus;
    }

    public void setIncompatibleGpus(List<Long> incompatibleGpus) {
        this.incompatibleGpus = incompatibleGpus;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public OffsetDateTime getLastUpdated() {
        return lastUpdated;
    }

    public void setLastUpdated(OffsetDateTime lastUpdated) {
        this.lastUpdated = lastUpdated;
    }

    public Long getVolumeSize() {
        return volumeSize;
    }

    public void setVolumeSize(Long volumeSize) {
        this.volumeSize = volumeSize;
    }

    public List<CacheMount> getPods() {
        return pods;
    }

    public void setPods(List<CacheMount> pods) {
        this.pods = pods;
    }
}
