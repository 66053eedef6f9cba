package io.gkm.ingest.webhook;

import io.gkm.ingest.admission.AdmissionDecision;
import io.gkm.ingest.admission.AnnotationChange;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.CacheObject;
import io.gkm.ingest.admission.ImageChange;
import io.gkm.ingest.admission.ObjectChange;
import io.gkm.ingest.model.GkmApi;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads AdmissionReview {@code admission.k8s.io/v1} requests and writes their responses, and turns an
 * annotation change into the JSON Patch the API server applies. Pure: bytes in, values out.
 */
public final class AdmissionReviews {
    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AdmissionReviews() {
    }

    /**
     * Reads a request body sent to {@code path}.
     *
     * @param cluster the cluster name, first part of the resource key
     */
    public static ParsedReview parse(byte[] body, WebhookPath path, String cluster) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return new ParsedReview.Unreadable("request body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            return new ParsedReview.Unreadable("request body is empty");
        }
        if (!root.isObject()) {
            return new ParsedReview.Unreadable("request body is a JSON " + type(root) + ", not an AdmissionReview object");
        }
        JsonNode request = root.path("request");
        if (!request.isObject()) {
            return new ParsedReview.Unreadable("AdmissionReview has no request object");
        }
        JsonNode uidNode = request.path("uid");
        if (!uidNode.isString() || uidNode.stringValue().isEmpty()) {
            return new ParsedReview.Unreadable("AdmissionReview request has no uid");
        }
        String uid = uidNode.stringValue();
        try {
            return new ParsedReview.Call(call(root, request, uid, path, cluster));
        } catch (IllegalArgumentException e) {
            return new ParsedReview.Refused(uid, e.getMessage());
        }
    }

    private static AdmissionCall call(JsonNode root, JsonNode request, String uid, WebhookPath path, String cluster) {
        String apiVersion = optionalText(root, "apiVersion", "apiVersion");
        String kind = optionalText(root, "kind", "kind");
        if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
            throw new IllegalArgumentException("expected apiVersion " + API_VERSION + " and kind " + KIND + ", got '"
                    + apiVersion + "' and '" + kind + "'");
        }
        JsonNode gvk = request.path("kind");
        if (!gvk.isObject()) {
            throw new IllegalArgumentException("request.kind must be an object with group, version and kind");
        }
        String group = optionalText(gvk, "group", "request.kind.group");
        String version = optionalText(gvk, "version", "request.kind.version");
        String resourceKind = optionalText(gvk, "kind", "request.kind.kind");
        if (CacheKind.of(group, version, resourceKind).filter(path.kind()::equals).isEmpty()) {
            throw new IllegalArgumentException(path.path() + " admits " + GkmApi.API_VERSION + " " + path.kind().kind()
                    + ", not '" + group + "/" + version + "' '" + resourceKind + "'");
        }
        Operation operation = operation(optionalText(request, "operation", "request.operation"));
        JsonNode userInfo = request.path("userInfo");
        if (!userInfo.isMissingNode() && !userInfo.isNull() && !userInfo.isObject()) {
            throw new IllegalArgumentException("request.userInfo must be an object");
        }
        String userName = optionalText(userInfo, "username", "request.userInfo.username");
        List<String> groups = strings(userInfo.path("groups"), "request.userInfo.groups");
        JsonNode dryRun = request.path("dryRun");
        if (!dryRun.isMissingNode() && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw new IllegalArgumentException("request.dryRun must be a boolean");
        }

        JsonNode object = null;
        CacheObject cache = null;
        CacheObject oldCache = null;
        if (operation == Operation.CREATE || operation == Operation.UPDATE) {
            object = request.path("object");
            cache = cacheObject(object, "request.object");
        }
        if (operation == Operation.UPDATE) {
            oldCache = cacheObject(request.path("oldObject"), "request.oldObject");
        }
        CacheObject named = cache != null ? cache : optionalCache(request.path("oldObject"));
        ResourceKey key = resourceKey(cluster, path.kind(), request, named, object);
        return new AdmissionCall(uid, operation, userName, groups, key, object, cache, oldCache, dryRun.asBoolean(false));
    }

    private static CacheObject cacheObject(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(field + " must be an object");
        }
        try {
            return CacheObject.fromJson(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static CacheObject optionalCache(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        try {
            return CacheObject.fromJson(node);
        } catch (IllegalArgumentException e) {
            return null; // only used to name the resource; request.name and request.namespace come first
        }
    }

    private static ResourceKey resourceKey(String cluster, CacheKind kind, JsonNode request, CacheObject named,
                                           JsonNode object) {
        String name = optionalText(request, "name", "request.name");
        if (name.isEmpty() && named != null) {
            name = named.name();
        }
        if (name.isEmpty() && object != null && object.path("metadata").path("generateName").isString()) {
            // The API server names a generateName object after admission; '*' marks the name as not yet known.
            name = object.path("metadata").path("generateName").stringValue() + "*";
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("request names no object: request.name, metadata.name and "
                    + "metadata.generateName are all empty");
        }
        String namespace = null;
        if (kind.namespaced()) {
            namespace = optionalText(request, "namespace", "request.namespace");
            if (namespace.isEmpty() && named != null) {
                namespace = named.namespace();
            }
            if (namespace.isEmpty()) {
                throw new IllegalArgumentException("request.namespace must be set for a namespaced " + kind.kind());
            }
        }
        try {
            return new ResourceKey(cluster, namespace, kind.kind(), name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the request does not name a Kubernetes object: " + e.getMessage(), e);
        }
    }

    private static Operation operation(String text) {
        for (Operation o : Operation.values()) {
            if (o.name().equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("request.operation '" + text + "' is not CREATE, UPDATE, DELETE or CONNECT");
    }

    private static String optionalText(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            throw new IllegalArgumentException(path + " must be a string, not a " + type(node));
        }
        return node.stringValue();
    }

    private static List<String> strings(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(path + " must be an array of strings");
        }
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw new IllegalArgumentException(path + " must be an array of strings");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The AdmissionReview answering {@code uid} with {@code decision}; a change becomes a JSON Patch. */
    public static byte[] answer(String uid, AdmissionDecision decision, JsonNode object) {
        ObjectNode response = NODES.objectNode();
        response.put("uid", uid);
        response.put("allowed", decision.allowed());
        ObjectNode status = response.putObject("status");
        status.putObject("metadata");
        status.put("code", decision.code());
        if (!decision.allowed()) {
            status.put("status", "Failure");
            status.put("reason", decision.code() == AdmissionDecision.BAD_REQUEST ? "BadRequest" : "Forbidden");
        }
        if (!decision.message().isEmpty()) {
            status.put("message", decision.message());
        }
        if (!decision.changes().isEmpty()) {
            byte[] patch = JSON.writeValueAsBytes(jsonPatch(object, decision.changes()));
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(patch));
        }
        ObjectNode review = NODES.objectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", KIND);
        review.set("response", response);
        return JSON.writeValueAsBytes(review);
    }

    /**
     * The RFC 6902 patch that makes {@code changes} on {@code object}, in order. An annotation
     * change adds the whole annotations map when the object has none (or {@code annotations: null},
     * as a YAML {@code annotations:} line gives), since a patch cannot add a member to a missing or
     * null parent; a pinned image replaces {@code spec.image}, which it was verified from.
     */
    public static ArrayNode jsonPatch(JsonNode object, List<ObjectChange> changes) {
        ArrayNode patch = NODES.arrayNode();
        for (ObjectChange change : changes) {
            ObjectNode op = patch.addObject();
            if (change instanceof ImageChange pinned) {
                op.put("op", "replace");
                op.put("path", "/spec/image");
                op.put("value", pinned.image());
            } else {
                annotationOp(op, object, (AnnotationChange) change);
            }
        }
        return patch;
    }

    private static void annotationOp(ObjectNode op, JsonNode object, AnnotationChange change) {
        JsonNode metadata = object.path("metadata");
        JsonNode annotations = metadata.path("annotations");
        if (change.removes()) {
            op.put("op", "remove");
            op.put("path", "/metadata/annotations/" + pointerToken(change.annotation()));
        } else if (annotations.isObject()) {
            op.put("op", "add");
            op.put("path", "/metadata/annotations/" + pointerToken(change.annotation()));
            op.put("value", change.newValue());
        } else if (metadata.isObject()) {
            op.put("op", "add");
            op.put("path", "/metadata/annotations");
            op.putObject("value").put(change.annotation(), change.newValue());
        } else {
            op.put("op", "add");
            op.put("path", "/metadata");
            op.putObject("value").putObject("annotations").put(change.annotation(), change.newValue());
        }
    }

    /** {@code object} with {@code changes} applied (what the API server stores after the patch). */
    public static JsonNode patched(JsonNode object, List<ObjectChange> changes) {
        ObjectNode copy = (ObjectNode) object.deepCopy();
        for (ObjectChange change : changes) {
            if (change instanceof ImageChange pinned) {
                ((ObjectNode) copy.path("spec")).put("image", pinned.image());
                continue;
            }
            AnnotationChange annotation = (AnnotationChange) change;
            JsonNode metadata = copy.path("metadata");
            ObjectNode meta = metadata.isObject() ? (ObjectNode) metadata : copy.putObject("metadata");
            JsonNode annotations = meta.path("annotations");
            ObjectNode map = annotations.isObject() ? (ObjectNode) annotations : meta.putObject("annotations");
            if (annotation.removes()) {
                map.remove(annotation.annotation());
            } else {
                map.put(annotation.annotation(), annotation.newValue());
            }
        }
        return copy;
    }

    /** JSON text of a node. */
    public static String json(JsonNode node) {
        return JSON.writeValueAsString(node);
    }

    private static String pointerToken(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The parse error reason as bytes, for a plain-text 4xx. */
    static byte[] text(String reason) {
        return (reason + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
