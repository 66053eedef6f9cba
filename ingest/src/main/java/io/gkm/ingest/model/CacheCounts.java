package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * How many nodes and pods have a cache, in which state (a node's own counts have nodeCnt 1). The
 * counts are {@code long}: GKM's are Go {@code int}, 64 bits on every platform GKM runs on.
 */
public class CacheCounts {
    @Required
    @JsonPropertyDescription("Nodes counted.")
    private long nodeCnt;
    @Required
    @JsonPropertyDescription("Nodes where the cache is extracted and used by a pod.")
    private long nodeInUseCnt;
    @Required
    @JsonPropertyDescription("Nodes where the cache is extracted but not used.")
    private long nodeNotInUseCnt;
    @Required
    @JsonPropertyDescription("Nodes where extraction failed or no GPU is compatible.")
    private long nodeErrorCnt;
    @Required
    @JsonPropertyDescription("Pods that mount the cache.")
    private long podRunningCnt;
    @Required
    @JsonPropertyDescription("Pods that mount an older extraction of the cache.")
    private long podOutdatedCnt;

    public long getNodeCnt() {
        return nodeCnt;
    }

    public void setNodeCnt(long nodeCnt) {
        this.nodeCnt = nodeCnt;
    }

    public long getNodeInUseCnt() {
        return nodeInUseCnt;
    }

    public void setNodeInUseCnt(long nodeInUseCnt) {
        this.nodeInUseCnt = nodeInUseCnt;
    }

    public long getNodeNotInUseCnt() {
        return nodeNotInUseCnt;
    }

    public void setNodeNotInUseCnt(long nodeNotInUseCnt) {
        this.nodeNotInUseCnt = nodeNotInUseCnt;
    }

    public long getNodeErrorCnt() {
        return nodeErrorCnt;
    }

    public void setNodeErrorCnt(long nodeErrorCnt) {
        this.nodeErrorCnt = nodeErrorCnt;
    }

    public long getPodRunningCnt() {
        return podRunningCnt;
    }

    public void setPodRunningCnt(long podRunningCnt) {
        this.podRunningCnt = podRunningCnt;
    }

    public long getPodOutdatedCnt() {
        return podOutdatedCnt;
    }

    public void setPodOutdatedCnt(long podOutdatedCnt) {
        this.podOutdatedCnt = podOutdatedCnt;
    }
}
