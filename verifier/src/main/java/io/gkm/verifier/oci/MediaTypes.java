package io.gkm.verifier.oci;

import java.util.List;

/** Media and artifact types this package reads and writes. */
public final class MediaTypes {
    private MediaTypes() {
    }

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** The empty descriptor's type ({@code {}}), config of artifacts such as sigstore bundles. */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

    /** Artifact type of cosign v3 signatures (OCI 1.1 referrers). */
    public static final String SIGSTORE_BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
    /** Prefix of every sigstore bundle artifact type, for {@link ArtifactTypeFilter#startingWith}. */
    public static final String SIGSTORE_BUNDLE_PREFIX = "application/vnd.dev.sigstore.bundle";
    /** Layer type of cosign v2 signature payloads. */
    public static final String COSIGN_SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    /** Manifest types we ask for when fetching a manifest, most wanted first. */
    static final List<String> MANIFEST_ACCEPT = List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

    static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }
}
