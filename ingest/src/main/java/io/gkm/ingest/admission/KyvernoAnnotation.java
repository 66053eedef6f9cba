package io.gkm.ingest.admission;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kyverno's {@code kyverno.io/verify-images} annotation: a JSON object from image reference to
 * verification status ({@code pass}, {@code fail} or {@code skip}).
 *
 * @param entries image reference → status, sorted by reference so that decisions are repeatable
 */
public record KyvernoAnnotation(Map<String, String> entries) {
    public static final String PASS = "pass";

    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    public KyvernoAnnotation {
        entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    /**
     * Parses the annotation as GKM does (into a Go {@code map[string]string}: JSON {@code null} is
     * an empty map).
     *
     * @throws IllegalArgumentException with the parse error as message
     */
    public static KyvernoAnnotation parse(String value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("unexpected end of JSON input");
        }
        if (root.isNull()) {
            return new KyvernoAnnotation(Map.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " is not an object of image → status");
        }
        Map<String, String> entries = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getValue().isString()) {
                throw new IllegalArgumentException("the status of '" + e.getKey() + "' is not a string");
            }
            entries.put(e.getKey(), e.getValue().stringValue());
        }
        return new KyvernoAnnotation(entries);
    }
}
