package io.gkm.verifier;

import io.gkm.schemas.ResourceKey;
import io.gkm.verifier.policy.KubeResource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource whose images are to be verified, as the verifier sees it.
 *
 * @param cluster the cluster name, first part of the resource key
 * @param resource the GKMCache or ClusterGKMCache, with {@code spec.image} as named: by tag, or
 *                 pinned by Kyverno's {@code mutateDigest} ({@code repo:tag@sha256:...} or
 *                 {@code repo@sha256:...})
 * @param originalTag the tag the image was named by before pinning, when the pinned image no longer
 *                    shows it ({@code repo@sha256:...}): the digest double-check resolves it
 */
public record VerificationRequest(String cluster, KubeResource resource, Optional<String> originalTag) {

    /** The API version of GKM's resources. */
    public static final String GKM_API_VERSION = "gkm.io/v1alpha1";

    public VerificationRequest {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(originalTag, "originalTag");
    }

    /**
     * A GKMCache ({@code namespace} set) or ClusterGKMCache ({@code namespace} null) that names
     * {@code image} in {@code spec.image}; nothing else in its spec.
     */
    public static VerificationRequest of(String cluster, String kind, String namespace, String name,
            Map<String, String> labels, String image) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        metadata.put("labels", Map.copyOf(labels));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", GKM_API_VERSION);
        object.put("kind", kind);
        object.put("metadata", metadata);
        object.put("spec", Map.of("image", image));
        return new VerificationRequest(cluster, KubeResource.of(object), Optional.empty());
    }

    /** This request with the tag the image had before it was pinned. */
    public VerificationRequest withOriginalTag(String tag) {
        return new VerificationRequest(cluster, resource, Optional.of(tag));
    }

    /** {@code <cluster>/<namespace or _cluster>/<Kind>/<name>}. */
    public ResourceKey resourceKey() {
        return new ResourceKey(cluster, resource.namespace(), resource.kind(), resource.name());
    }

    /** {@code spec.image} exactly as written, when it is a string. */
    public Optional<String> specImage() {
        return resource.object().get("spec") instanceof Map<?, ?> spec && spec.get("image") instanceof String image
                ? Optional.of(image) : Optional.empty();
    }
}
