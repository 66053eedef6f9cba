package io.gkm.ingest.admission;

import java.util.Objects;

/**
 * The mutating webhook pins {@code spec.image} to the digest it verified, as Kyverno's
 * {@code mutateDigest} does.
 *
 * @param image the new {@code spec.image}, e.g. {@code registry/path:tag@sha256:...}
 */
public record ImageChange(String image) implements ObjectChange {
    public ImageChange {
        Objects.requireNonNull(image, "image");
    }
}
