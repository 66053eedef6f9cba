package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one node holds: its GPUs and, per cache and digest, the extraction state. */
public class GKMCacheNodeStatus {
    @Required
    @JsonPropertyDescription("The Kubernetes node this status describes.")
    private String nodeName;
    @Required
    @JsonPropertyDescription("Node and pod counts on this node.")
    private CacheCounts counts = new CacheCounts();
    @JsonPropertyDescription("GPUs found on the node.")
    private List<GpuInfo> gpus = new ArrayList<>();
    @JsonPropertyDescription("Cache name → image digest → state of that extraction on this node.")
    private Map<String, Map<String, NodeCacheState>> caches = new LinkedHashMap<>();

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public CacheCounts getCounts() {
        return counts;
    }

    public void setCounts(CacheCounts counts) {
        this.counts = counts;
    }

    public List<GpuInfo> getGpus() {
        return gpus;
    }

    public void setGpus(List<GpuInfo> gpus) {
        this.gpus = gpus;
    }

    public Map<String, Map<String, NodeCacheState>> getCaches() {
        return caches;
    }

    public void setCaches(Map<String, Map<String, NodeCacheState>> caches) {
        this.caches = caches;
    }
}
