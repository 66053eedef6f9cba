package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fetched image manifest or index, with the exact bytes its digest was checked against.
 *
 * @param digest       the digest of {@link #bytes()} (verified)
 * @param mediaType    from the document, else from the registry's Content-Type
 * @param artifactType null when the manifest has none
 * @param config       null for an index
 * @param layers       empty for an index
 * @param manifests    the entries of an index; empty for a manifest
 * @param subject      null when the manifest refers to no other manifest
 * @param annotations  empty when none
 */
public record Manifest(Digest digest, String mediaType, byte[] bytes, String artifactType, Descriptor config,
                       List<Descriptor> layers, List<Descriptor> manifests, Descriptor subject,
                       Map<String, String> annotations) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        bytes = bytes.clone();
        layers = List.copyOf(layers);
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    /** A copy: the verified bytes stay as fetched. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /**
     * The artifact type as the Referrers API reports it: {@code artifactType}, else the config's
     * media type (null for an index without one).
     */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config == null ? null : config.mediaType();
    }

    /**
     * Parses manifest or index JSON whose digest was already checked.
     *
     * @param contentType the registry's Content-Type, used when the document names no mediaType
     * @param what        what was fetched, for the error message
     */
    static Manifest parse(Digest digest, byte[] bytes, String contentType, String what) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw invalid(what, "not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(what, "not a JSON object", null);
        }
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw invalid(what, "schemaVersion is " + root.path("schemaVersion") + ", expected 2", null);
        }
        String mediaType = text(root, "mediaType");
        if (mediaType == null) {
            mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim();
        }
        if (mediaType == null || mediaType.isEmpty()) {
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        boolean index = MediaTypes.isIndex(mediaType);
        Descriptor config = index ? null : descriptor(root.get("config"), what, "config");
        if (!index && config == null) {
            throw invalid(what, "a manifest without config", null);
        }
        return new Manifest(digest, mediaType, bytes, text(root, "artifactType"), config,
                descriptors(root.get("layers"), what, "layers"), descriptors(root.get("manifests"), what, "manifests"),
                descriptor(root.get("subject"), what, "subject"), strings(root.get("annotations")));
    }

    private static List<Descriptor> descriptors(JsonNode array, String what, String field) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw invalid(what, field + " is not an array", null);
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(descriptor(array.get(i), what, field + "[" + i + "]"));
        }
        return result;
    }

    private static Descriptor descriptor(JsonNode node, String what, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        String mediaType = text(node, "mediaType");
        String digest = text(node, "digest");
        JsonNode size = node.get("size");
        if (mediaType == null || digest == null || size == null || !size.canConvertToLong()) {
            throw invalid(what, field + " needs mediaType, digest and size", null);
        }
        try {
            return new Descriptor(mediaType, Digest.parse(digest), size.asLong(), text(node, "artifactType"),
                    strings(node.get("annotations")));
        } catch (IllegalArgumentException e) {
            throw invalid(what, field + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> result = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual()) {
                    result.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static RegistryException invalid(String what, String problem, Throwable cause) {
        return new RegistryException(RegistryException.Reason.INVALID_CONTENT, what + " is not a valid OCI/Docker "
                + "manifest: " + problem, cause);
    }
}
