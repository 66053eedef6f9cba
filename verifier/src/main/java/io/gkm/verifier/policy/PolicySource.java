package io.gkm.verifier.policy;

import java.util.Objects;

/**
 * Where a policy was read from, for error messages and verdict reasons.
 *
 * @param location the file as the loader reached it (relative when the caller gave a relative
 *                 path), or a caller-chosen name for in-memory YAML
 * @param document 1-based index of the YAML document in a multi-document file
 */
public record PolicySource(String location, int document) {

    public PolicySource {
        Objects.requireNonNull(location, "location");
        if (document < 1) {
            throw new IllegalArgumentException("document index is 1-based: " + document);
        }
    }

    @Override
    public String toString() {
        return document == 1 ? location : location + " (document " + document + ")";
    }
}
