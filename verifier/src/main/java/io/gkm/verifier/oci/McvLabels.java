package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The image config labels of an MCV kernel cache image (GKM's format), e.g.
 * {@code cache.triton.image/entry-count=1}, {@code cache.triton.image/cache-size-bytes=80415},
 * {@code cache.triton.image/summary={"targets":[{"backend":"hip","arch":"gfx90a","warp_size":64}]}}.
 *
 * @param prefix         {@link #TRITON_PREFIX} or {@link #VLLM_PREFIX}
 * @param entryCount     kernel entries in the cache manifest
 * @param cacheSizeBytes bytes of the cache files
 * @param targets        the GPU targets the kernels were compiled for
 */
public record McvLabels(String prefix, int entryCount, long cacheSizeBytes, List<Target> targets) {

    public static final String TRITON_PREFIX = "cache.triton.image/";
    public static final String VLLM_PREFIX = "cache.vllm.image/";
    static final String ENTRY_COUNT = "entry-count";
    static final String CACHE_SIZE_BYTES = "cache-size-bytes";
    static final String SUMMARY = "summary";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A GPU target: a node's GPU is compatible when backend, arch and warp size all match. */
    public record Target(String backend, String arch, int warpSize) {
        public Target {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(arch, "arch");
            if (warpSize < 1) {
                throw new IllegalArgumentException("warp size must be positive, got " + warpSize);
            }
        }
    }

    public McvLabels {
        if (!prefix.equals(TRITON_PREFIX) && !prefix.equals(VLLM_PREFIX)) {
            throw new IllegalArgumentException("MCV label prefix must be " + TRITON_PREFIX + " or " + VLLM_PREFIX);
        }
        targets = List.copyOf(targets);
    }

    /** The three labels, summary as compact JSON in GKM's key order (backend, arch, warp_size). */
    public Map<String, String> toLabels() {
        ObjectNode summary = JSON.createObjectNode();
        ArrayNode array = summary.putArray("targets");
        for (Target t : targets) {
            array.addObject().put("backend", t.backend()).put("arch", t.arch()).put("warp_size", t.warpSize());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(prefix + ENTRY_COUNT, Integer.toString(entryCount));
        labels.put(prefix + CACHE_SIZE_BYTES, Long.toString(cacheSizeBytes));
        labels.put(prefix + SUMMARY, summary.toString());
        return labels;
    }

    /**
     * The MCV labels among {@code labels} (Triton's first, then vLLM's); empty when the image has
     * none. Throws IllegalArgumentException naming the label that is malformed.
     */
    public static Optional<McvLabels> fromLabels(Map<String, String> labels) {
        for (String prefix : List.of(TRITON_PREFIX, VLLM_PREFIX)) {
            if (labels.containsKey(prefix + SUMMARY)) {
                return Optional.of(new McvLabels(prefix, (int) number(labels, prefix + ENTRY_COUNT),
                        number(labels, prefix + CACHE_SIZE_BYTES), targets(labels.get(prefix + SUMMARY), prefix)));
            }
        }
        return Optional.empty();
    }

    private static long number(Map<String, String> labels, String key) {
        String value = labels.get(key);
        long max = key.endsWith(ENTRY_COUNT) ? Integer.MAX_VALUE : Long.MAX_VALUE;
        if (value != null && value.trim().matches("\\d{1,19}")) {
            try {
                long n = Long.parseLong(value.trim());
                if (n <= max) {
                    return n;
                }
            } catch (NumberFormatException tooLarge) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("label " + key + " must be a whole number from 0 to " + max + ", got "
                + (value == null ? "nothing" : "'" + value + "'"));
    }

    private static List<Target> targets(String summary, String prefix) {
        String key = prefix + SUMMARY;
        JsonNode root;
        try {
            root = JSON.readTree(summary);
        } catch (IOException e) {
            throw new IllegalArgumentException("label " + key + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode array = root == null ? null : root.get("targets");
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("label " + key + " must be {\"targets\":[...]}, got " + summary);
        }
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : array) {
            if (!t.path("backend").isTextual() || !t.path("arch").isTextual() || !t.path("warp_size").canConvertToInt()) {
                throw new IllegalArgumentException("label " + key + ": each target needs backend, arch and "
                        + "warp_size, got " + t);
            }
            targets.add(new Target(t.get("backend").asText(), t.get("arch").asText(), t.get("warp_size").asInt()));
        }
        return targets;
    }
}
