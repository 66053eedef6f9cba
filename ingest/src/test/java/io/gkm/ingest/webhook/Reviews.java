package io.gkm.ingest.webhook;

import io.fabric8.zjsonpatch.JsonPatch;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.GkmExamples;
import java.util.Base64;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** AdmissionReview requests as the API server sends them, built from GKM's example resources. */
final class Reviews {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private Reviews() {
    }

    /** A CREATE of {@code object}. */
    static ObjectNode create(JsonNode object) {
        return review(UUID.randomUUID().toString(), "CREATE", object, null);
    }

    /** An UPDATE from {@code oldObject} to {@code object}. */
    static ObjectNode update(JsonNode oldObject, JsonNode object) {
        return review(UUID.randomUUID().toString(), "UPDATE", object, oldObject);
    }

    /** A CREATE of a GKM example as Kyverno leaves it. */
    static ObjectNode createExample(String example) {
        return create(GkmExamples.asKyvernoLeavesIt(GkmExamples.read(example)));
    }

    static ObjectNode review(String uid, String operation, JsonNode object, JsonNode oldObject) {
        JsonNode subject = object != null ? object : oldObject;
        String kind = subject.path("kind").asString();
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        ObjectNode gvk = request.putObject("kind");
        gvk.put("group", "gkm.io").put("version", "v1alpha1").put("kind", kind);
        ObjectNode resource = request.putObject("resource");
        resource.put("group", "gkm.io").put("version", "v1alpha1").put("resource", kind.toLowerCase() + "s");
        request.set("requestKind", gvk.deepCopy());
        request.set("requestResource", resource.deepCopy());
        request.put("name", subject.path("metadata").path("name").asString());
        if (subject.path("metadata").has("namespace")) {
            request.put("namespace", subject.path("metadata").path("namespace").asString());
        }
        request.put("operation", operation);
        ObjectNode user = request.putObject("userInfo");
        user.put("username", "kubernetes-admin");
        user.putArray("groups").add("kubeadm:cluster-admins").add("system:authenticated");
        request.set("object", object);
        request.set("oldObject", oldObject);
        request.put("dryRun", false);
        request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
        return review;
    }

    static String path(JsonNode review, boolean mutating) {
        CacheKind kind = CacheKind.of("gkm.io", "v1alpha1", review.path("request").path("kind").path("kind").asString())
                .orElseThrow();
        return new WebhookPath(kind, mutating).path();
    }

    /** The review's object after the JSON Patch in {@code response}, applied by fabric8's zjsonpatch as the API server would. */
    static JsonNode patchedObject(JsonNode review, JsonNode response) {
        JsonNode object = review.path("request").path("object");
        JsonNode patch = response.path("response").path("patch");
        if (patch.isMissingNode()) {
            return object;
        }
        JsonNode operations = JSON.readTree(Base64.getDecoder().decode(patch.asString()));
        return JsonPatch.apply(operations, object);
    }
}
