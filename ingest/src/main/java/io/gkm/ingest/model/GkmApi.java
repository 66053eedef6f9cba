package io.gkm.ingest.model;

/** Names shared by GKM's API: group, version, annotations and labels. */
public final class GkmApi {
    private GkmApi() {
    }

    public static final String GROUP = "gkm.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** The image digest the mutating webhook resolved; GKM extracts exactly this digest. */
    public static final String RESOLVED_DIGEST_ANNOTATION = "gkm.io/resolvedDigest";
    /** Written by Kyverno's verifyImages rule: JSON map image reference → pass | fail | skip. */
    public static final String KYVERNO_VERIFY_IMAGES_ANNOTATION = "kyverno.io/verify-images";
    /** Selects the Kyverno policy: {@code cosign-v2} or {@code cosign-v3}. */
    public static final String SIGNATURE_FORMAT_LABEL = "gkm.io/signature-format";
}
