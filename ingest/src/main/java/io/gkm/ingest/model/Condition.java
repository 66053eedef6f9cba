package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.time.OffsetDateTime;

/**
 * A status condition with the validation of Kubernetes' {@code metav1.Condition}, which GKM's CRDs
 * embed (fabric8's own {@code Condition} carries no validation, so the generated schema would be
 * looser than GKM's).
 */
public class Condition {
    /** Condition status values. */
    public enum Status {
        @JsonProperty("True") TRUE,
        @JsonProperty("False") FALSE,
        @JsonProperty("Unknown") UNKNOWN
    }

    @Required
    @Size(max = 316)
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")
    @JsonPropertyDescription("Condition type: Pending, Extracted, Running, Outdated or Error.")
    private String type;
    @Required
    @JsonPropertyDescription("True, False or Unknown.")
    private Status status;
    @Min(0)
    @JsonPropertyDescription("metadata.generation the condition was computed from.")
    private Long observedGeneration;
    @Required
    @JsonPropertyDescription("When the status last changed (RFC 3339).")
    private OffsetDateTime lastTransitionTime;
    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    @JsonPropertyDescription("Machine-readable reason in CamelCase.")
    private String reason;
    @Required
    @Size(max = 32768)
    @JsonPropertyDescription("Human-readable detail; may be empty.")
    private String message;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Status getStatus() {
        return status;
    }

    public void setStatus(Status status) {
        this.status = status;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public OffsetDateTime getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(OffsetDateTime lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
