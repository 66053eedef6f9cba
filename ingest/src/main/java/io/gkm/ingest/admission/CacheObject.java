package io.gkm.ingest.admission;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What admission reads of a GKMCache or ClusterGKMCache: its image, labels and annotations. Absent
 * fields read as GKM's Go structs read them: an absent or null {@code spec.image} is empty, absent
 * maps are empty.
 *
 * @param name metadata.name ("" when absent, e.g. with generateName)
 * @param namespace metadata.namespace ("" when absent)
 * @param image spec.image ("" when absent)
 */
public record CacheObject(String name, String namespace, String image, Map<String, String> labels,
                          Map<String, String> annotations) {
    public CacheObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(image, "image");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /**
     * Reads an object as the API server sent it.
     *
     * @throws IllegalArgumentException naming the field that has the wrong type
     */
    public static CacheObject fromJson(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("the object is not a JSON object");
        }
        JsonNode metadata = object.path("metadata");
        if (!metadata.isMissingNode() && !metadata.isNull() && !metadata.isObject()) {
            throw new IllegalArgumentException("metadata must be an object");
        }
        JsonNode spec = object.path("spec");
        if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
            throw new IllegalArgumentException("spec must be an object");
        }
        return new CacheObject(text(metadata, "name", "metadata.name"), text(metadata, "namespace", "metadata.namespace"),
                text(spec, "image", "spec.image"), stringMap(metadata, "labels"), stringMap(metadata, "annotations"));
    }

    /** This object as the mutating webhook's changes leave it. */
    public CacheObject with(List<ObjectChange> changes) {
        String changedImage = image;
        Map<String, String> changed = new LinkedHashMap<>(annotations);
        for (ObjectChange change : changes) {
            if (change instanceof ImageChange pinned) {
                changedImage = pinned.image();
            } else if (change instanceof AnnotationChange a && a.removes()) {
                changed.remove(a.annotation());
            } else if (change instanceof AnnotationChange a) {
                changed.put(a.annotation(), a.newValue());
            }
        }
        return new CacheObject(name, namespace, changedImage, labels, changed);
    }

    /** An annotation's value; null when absent. */
    public String annotation(String key) {
        return annotations.get(key);
    }

    /** An annotation's value as GKM's Go code reads a map: "" when absent. */
    public String annotationOrEmpty(String key) {
        return annotations.getOrDefault(key, "");
    }

    private static String text(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            throw new IllegalArgumentException(path + " must be a string, not " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node.stringValue();
    }

    private static Map<String, String> stringMap(JsonNode metadata, String field) {
        JsonNode node = metadata.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("metadata." + field + " must be an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                throw new IllegalArgumentException("metadata." + field + "['" + e.getKey() + "'] must be a string");
            }
            map.put(e.getKey(), e.getValue().stringValue());
        }
        return map;
    }
}
