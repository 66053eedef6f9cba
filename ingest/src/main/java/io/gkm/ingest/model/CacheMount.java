package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A pod that mounts an extracted cache through GKM's CSI driver. */
public class CacheMount {
    @JsonPropertyDescription("Name of the pod.")
    private String podName;
    @JsonPropertyDescription("Namespace of the pod.")
    private String podNamespace;
    @JsonPropertyDescription("CSI volume id the kubelet gave the mount.")
    private String volumeId;

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public String getPodNamespace() {
        return podNamespace;
    }

    public void setPodNamespace(String podNamespace) {
        this.podNamespace = podNamespace;
    }

    public String getVolumeId() {
        return volumeId;
    }

    public void setVolumeId(String volumeId) {
        this.volumeId = volumeId;
    }
}
