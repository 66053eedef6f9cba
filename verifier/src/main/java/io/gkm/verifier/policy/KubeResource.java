package io.gkm.verifier.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes object a policy is applied to (a GKMCache or ClusterGKMCache as admitted or
 * watched).
 *
 * @param apiVersion e.g. {@code gkm.io/v1alpha1}; kind selectors may name group and version
 * @param kind e.g. {@code GKMCache}
 * @param namespace null for a cluster-scoped resource
 * @param name {@code metadata.name}
 * @param labels {@code metadata.labels}
 * @param object the whole object as JSON maps and lists, which image extractors walk
 */
public record KubeResource(
        String apiVersion,
        String kind,
        String namespace,
        String name,
        Map<String, String> labels,
        Map<String, Object> object) {

    public KubeResource {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        // JSON may hold nulls, which Map.copyOf refuses.
        object = Collections.unmodifiableMap(new LinkedHashMap<>(object));
    }

    /**
     * Reads apiVersion, kind and metadata (name, namespace, labels) from the object itself.
     *
     * @throws IllegalArgumentException when one of them is missing or not a string
     */
    public static KubeResource of(Map<String, Object> object) {
        Object metadata = object.get("metadata");
        if (!(metadata instanceof Map<?, ?> meta)) {
            throw new IllegalArgumentException("resource has no metadata object");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Object rawLabels = meta.get("labels");
        if (rawLabels instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (!(value instanceof String text)) { // an empty label value is valid
                    throw new IllegalArgumentException("resource metadata.labels." + key + " is not a string");
                }
                labels.put(requireString(key, "metadata.labels key"), text);
            });
        } else if (rawLabels != null) {
            throw new IllegalArgumentException("metadata.labels is not an object");
        }
        Object namespace = meta.get("namespace");
        return new KubeResource(
                requireString(object.get("apiVersion"), "apiVersion"),
                requireString(object.get("kind"), "kind"),
                namespace == null ? null : requireString(namespace, "metadata.namespace"),
                requireString(meta.get("name"), "metadata.name"),
                labels,
                object);
    }

    /** The API group: {@code gkm.io} for {@code gkm.io/v1alpha1}, empty for the core group. */
    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The API version: {@code v1alpha1} for {@code gkm.io/v1alpha1}. */
    public String version() {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    private static String requireString(Object value, String field) {
        if (value instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalArgumentException("resource " + field + " is " + (value == null ? "missing" : "not a string"));
    }
}
