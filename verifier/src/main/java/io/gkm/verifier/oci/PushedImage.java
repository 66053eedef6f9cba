package io.gkm.verifier.oci;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;

/** Where {@link McvImage#push} put an image. */
public record PushedImage(String registry, String repository, String tag, Digest digest) {

    /** {@code registry/repository:tag}. */
    public ImageReference byTag() {
        return ImageReference.of(registry, repository).withTag(tag);
    }

    /** {@code registry/repository@digest}. */
    public ImageReference byDigest() {
        return ImageReference.of(registry, repository).withDigest(digest);
    }
}
