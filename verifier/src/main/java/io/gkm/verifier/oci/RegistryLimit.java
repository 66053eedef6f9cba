package io.gkm.verifier.oci;

/**
 * The bounds on what a registry may make us download or iterate; defaults from the verifier
 * issue. A hostile registry cannot make the verifier read more than these.
 */
public enum RegistryLimit {
    /** Bytes of one manifest, index or referrers list (the distribution registry's own cap is 4 MiB). */
    MANIFEST_BYTES(4L << 20, true, "manifest"),
    /** Bytes of an image config blob (holds the cache labels). */
    IMAGE_CONFIG_BYTES(4L << 20, true, "image config"),
    /** Bytes of one cosign v2 signature layer (simple-signing payload). */
    SIGNATURE_LAYER_BYTES(1L << 20, true, "signature layer"),
    /** Bytes of one sigstore bundle (cosign v3 referrer layer). */
    BUNDLE_BYTES(10L << 20, true, "sigstore bundle"),
    /** Bytes of one image layer downloaded to a file ({@link RegistryClient#downloadBlob}): 10 GiB. */
    LAYER_BYTES(10L << 30, true, "image layer"),
    /** Referrers of one digest that match the artifact type asked for. */
    REFERRERS(50, false, "referrers"),
    /** Layers of one cosign v2 signature manifest. */
    SIGNATURE_LAYERS(1000, false, "signature layers");

    private final long defaultValue;
    private final boolean bytes;
    private final String noun;

    RegistryLimit(long defaultValue, boolean bytes, String noun) {
        this.defaultValue = defaultValue;
        this.bytes = bytes;
        this.noun = noun;
    }

    public long defaultValue() {
        return defaultValue;
    }

    /** True for a size in bytes, false for a count. */
    public boolean isBytes() {
        return bytes;
    }

    /** E.g. "1048577 bytes of signature layer" or "51 referrers". */
    String describe(long value) {
        return bytes ? value + " bytes of " + noun : value + " " + noun;
    }
}
