package io.gkm.verifier.oci;

import io.gkm.core.image.Digest;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a manifest says about a blob or another manifest.
 *
 * @param artifactType null when the descriptor has none
 * @param annotations  empty when the descriptor has none
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
                         Map<String, String> annotations) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("descriptor size is negative: " + size);
        }
        annotations = Map.copyOf(annotations);
    }

    /** A descriptor of {@code content} without artifact type or annotations. */
    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digest.sha256(content), content.length, null, Map.of());
    }
}
