package io.gkm.verifier.cosign;

import java.util.Map;
import java.util.Objects;

/**
 * One layer of a cosign v2 signature manifest ({@code sha256-<hex>.sig}): the simple-signing
 * payload and the annotations that carry the signature and its evidence.
 */
public record SignatureLayer(String mediaType, byte[] payload, Map<String, String> annotations) {
    public static final String SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    /** Base64 signature over the payload bytes. */
    public static final String SIGNATURE = "dev.cosignproject.cosign/signature";
    /** PEM signing certificate (keyless). */
    public static final String CERTIFICATE = "dev.sigstore.cosign/certificate";
    /** PEM intermediates (and often the root) of the signing certificate. */
    public static final String CHAIN = "dev.sigstore.cosign/chain";
    /** Rekor SET JSON: {@code {SignedEntryTimestamp, Payload{body, integratedTime, logIndex, logID}}}. */
    public static final String BUNDLE = "dev.sigstore.cosign/bundle";

    public SignatureLayer {
        Objects.requireNonNull(mediaType);
        payload = payload.clone();
        annotations = Map.copyOf(annotations);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
