package io.gkm.verifier.policy;

import io.gkm.core.image.ImageReference;
import java.util.Objects;

/**
 * An image found in a resource by a rule's image extractors.
 *
 * @param extractor the extractor's {@code name} ({@code custom} by default)
 * @param key the extractor's {@code key} value, else the JSON pointer
 * @param pointer JSON pointer to the image field, e.g. {@code /spec/image}
 * @param reference the parsed image
 */
public record ExtractedImage(String extractor, String key, String pointer, ImageReference reference) {

    public ExtractedImage {
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(reference, "reference");
    }
}
