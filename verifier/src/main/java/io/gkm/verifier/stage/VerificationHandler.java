package io.gkm.verifier.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.stage.AuditEntry;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.core.stage.Outbound;
import io.gkm.core.stage.StageHandler;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.policy.KubeResource;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The verifier stage's decision for one inbound event (see the package documentation for which
 * events are verified and why). Pure apart from the verification itself, which the
 * {@link Verifier} makes against the registry, within a timeout ({@link BoundedVerification}).
 */
public final class VerificationHandler implements StageHandler {
    /** The stage name: consumer group {@code gkm.verifier}, CloudEvents source part, audit stage. */
    public static final String STAGE = "verifier";
    /** The audit action of every decision of this stage. */
    static final String ACTION = "verify";
    /** The audit outcome of an event that calls for no verification. */
    static final String SKIPPED = "SKIPPED";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Function<VerificationRequest, VerificationResult> verify;
    private final Topics topics;

    /** Verifies with {@code verifier}, each verification given at most {@code timeout} (GKM_VERIFY_TIMEOUT). */
    public VerificationHandler(Verifier verifier, Duration timeout, Topics topics) {
        this.verify = new BoundedVerification(Objects.requireNonNull(verifier, "verifier")::verify, timeout,
                Clock.systemUTC());
        this.topics = Objects.requireNonNull(topics, "topics");
    }

    /** The topics the stage reads. */
    public static List<String> inputs(Topics topics) {
        return List.of(topics.admissions(), topics.resources());
    }

    @Override
    public Decision decide(Inbound inbound) {
        if (inbound.event() instanceof ResourceEvent resource) {
            return request(resource)
                    .map(request -> verdict(verify.apply(request), resource, topics))
                    .orElseGet(() -> Decision.auditOnly(skipped(resource.getResourceKey(),
                            "deleted: nothing to verify, and nothing is dispatched for a deleted resource")));
        }
        if (inbound.event() instanceof AdmissionEvent admission) {
            // An allowed object may still be refused after this webhook, or never be stored: the
            // watch's ResourceEvent of what was stored is what gets verified.
            String admitted = "admission " + admission.getOperation() + " " + admission.getDecision();
            return Decision.auditOnly(skipped(admission.getResourceKey(), admission.getDecision() == io.gkm.schemas.event.Decision.DENIED
                    ? admitted + ": nothing was stored, so there is nothing to verify"
                    : admitted + ": the stored object is verified from its ResourceEvent"));
        }
        throw new IllegalArgumentException("the verifier reads ResourceEvents and AdmissionEvents; "
                + inbound.topic() + " gave it a " + inbound.event().getSchema().getFullName());
    }

    /**
     * The verification an event calls for: ADDED and MODIFIED are verified (a modification may
     * change the image, the labels that select the policy, or nothing the verifier sees, which it
     * cannot tell without state); DELETED is not.
     *
     * @throws IllegalArgumentException when the event's spec is not a JSON object
     */
    static Optional<VerificationRequest> request(ResourceEvent event) {
        if (event.getChangeType() == ChangeType.DELETED) {
            return Optional.empty();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", event.getName());
        if (event.getNamespace() != null) {
            metadata.put("namespace", event.getNamespace());
        }
        metadata.put("uid", event.getUid());
        metadata.put("resourceVersion", event.getResourceVersion());
        metadata.put("generation", event.getGeneration());
        metadata.put("labels", new LinkedHashMap<>(event.getLabels()));
        metadata.put("annotations", new LinkedHashMap<>(event.getAnnotations()));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", VerificationRequest.GKM_API_VERSION);
        object.put("kind", event.getKind());
        object.put("metadata", metadata);
        object.put("spec", spec(event));
        String cluster = ResourceKey.parse(event.getResourceKey()).cluster();
        return Optional.of(new VerificationRequest(cluster, KubeResource.of(object), Optional.empty()));
    }

    private static Map<String, Object> spec(ResourceEvent event) {
        Map<String, Object> spec;
        try {
            spec = JSON.readValue(event.getSpec(), OBJECT);
        } catch (JsonProcessingException e) {
            throw notAnObject(event, e.getOriginalMessage(), e);
        }
        if (spec == null) {
            throw notAnObject(event, "null", null);
        }
        return spec;
    }

    private static IllegalArgumentException notAnObject(ResourceEvent event, String why, Throwable cause) {
        return new IllegalArgumentException("spec of " + event.getResourceKey() + " (resourceVersion "
                + event.getResourceVersion() + ") is not a JSON object: " + why, cause);
    }

    /** The verdict on gkm.verifications, keyed by the resource, and its audit entry. */
    static Decision verdict(VerificationResult result, ResourceEvent cause, Topics topics) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("image", result.getImage());
        putIfSet(details, "digest", result.getImageDigest());
        details.put("signatureFormat", result.getSignatureFormat().name());
        details.put("policy", result.getPolicyName());
        putIfSet(details, "rule", result.getRuleName());
        details.put("uid", cause.getUid());
        details.put("resourceVersion", cause.getResourceVersion());
        details.put("generation", String.valueOf(cause.getGeneration()));
        String reason = result.getReasons().isEmpty() ? null : result.getReasons().get(0);
        return Decision.of(new Outbound(topics.verifications(), cause.getResourceKey(), result),
                new AuditEntry(ACTION, result.getVerdict().name(), reason, cause.getResourceKey(), details));
    }

    private static void putIfSet(Map<String, String> details, String name, String value) {
        if (value != null) {
            details.put(name, value);
        }
    }

    private static AuditEntry skipped(String resourceKey, String reason) {
        return new AuditEntry(ACTION, SKIPPED, reason, resourceKey, Map.of());
    }
}
