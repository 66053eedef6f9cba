package io.gkm.verifier.oci;

import java.util.Objects;

/**
 * Which referrers to keep by artifact type. An exact type is also sent to the registry as the
 * Referrers API's {@code artifactType} query; the filter is always applied again on our side,
 * because registries may ignore the query and the tag-schema index is written by clients.
 */
public final class ArtifactTypeFilter {
    private final String type;
    private final boolean prefix;

    private ArtifactTypeFilter(String type, boolean prefix) {
        this.type = Objects.requireNonNull(type, "artifact type");
        this.prefix = prefix;
    }

    /** Exactly {@code artifactType}, e.g. {@link MediaTypes#SIGSTORE_BUNDLE_V03}. */
    public static ArtifactTypeFilter exactly(String artifactType) {
        return new ArtifactTypeFilter(artifactType, false);
    }

    /** Every type starting with {@code prefix}, e.g. {@link MediaTypes#SIGSTORE_BUNDLE_PREFIX}. */
    public static ArtifactTypeFilter startingWith(String prefix) {
        return new ArtifactTypeFilter(prefix, true);
    }

    /** A descriptor without artifact type never matches. */
    public boolean matches(String artifactType) {
        return artifactType != null && (prefix ? artifactType.startsWith(type) : artifactType.equals(type));
    }

    /** The value for the Referrers API's {@code artifactType} query, if the registry can filter for us. */
    String serverSideType() {
        return prefix ? null : type;
    }

    @Override
    public String toString() {
        return prefix ? type + "*" : type;
    }
}
