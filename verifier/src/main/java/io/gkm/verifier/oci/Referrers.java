package io.gkm.verifier.oci;

import io.gkm.core.image.Digest;
import java.util.List;

/**
 * The referrers of a digest that matched an {@link ArtifactTypeFilter}. Entries from the tag
 * schema are written by clients, not checked by the registry: fetch them with
 * {@link RegistryClient#fetchReferrer}, which checks that each names the subject.
 */
public record Referrers(Digest subject, List<Descriptor> descriptors, Source source) {

    /** Where the list came from. */
    public enum Source {
        /** {@code GET /v2/<repo>/referrers/<digest>} (OCI distribution 1.1). */
        REFERRERS_API,
        /** The index at tag {@code sha256-<hex>}, because the registry answered 404 to the Referrers API. */
        TAG_SCHEMA
    }

    public Referrers {
        descriptors = List.copyOf(descriptors);
    }
}
