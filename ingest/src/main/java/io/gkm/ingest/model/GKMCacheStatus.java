package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Summary over all nodes of one GKMCache or ClusterGKMCache (per-node detail is in the *Node resources). */
public class GKMCacheStatus {
    @JsonPropertyDescription("Summary conditions over all nodes; the first one's reason is the Status column.")
    private List<Condition> conditions = new ArrayList<>();
    @Required
    @JsonPropertyDescription("Node and pod counts over all nodes.")
    private CacheCounts counts = new CacheCounts();
    @JsonPropertyDescription("Digest of the image after verification.")
    private String resolvedDigest;
    @JsonPropertyDescription("When this status was last written (RFC 3339).")
    private OffsetDateTime lastUpdated;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public CacheCounts getCounts() {
        return counts;
    }

    public void setCounts(CacheCounts counts) {
        this.counts = counts;
    }

    public String getResolvedDigest() {
        return resolvedDigest;
    }

    public void setResolvedDigest(String resolvedDigest) {
        this.resolvedDigest = resolvedDigest;
    }

    public OffsetDateTime getLastUpdated() {
        return lastUpdated;
    }

    public void setLastUpdated(OffsetDateTime lastUpdated) {
        this.lastUpdated = lastUpdated;
    }
}
