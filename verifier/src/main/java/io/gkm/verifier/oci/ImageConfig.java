package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.Digest;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of an image config blob the verifier reads: its labels ({@code config.Labels}, where
 * MCV cache images keep {@code cache.triton.image/*}).
 *
 * @param digest the config blob's digest (verified)
 */
public record ImageConfig(Digest digest, Map<String, String> labels) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        labels = Map.copyOf(labels);
    }

    static ImageConfig parse(Digest digest, byte[] bytes, String what) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.INVALID_CONTENT,
                    what + " is not an image config: not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RegistryException(RegistryException.Reason.INVALID_CONTENT,
                    what + " is not an image config: not a JSON object");
        }
        Map<String, String> labels = new TreeMap<>();
        JsonNode node = root.path("config").path("Labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                labels.put(e.getKey(), e.getValue().asText());
            }
        }
        return new ImageConfig(digest, labels);
    }
}
