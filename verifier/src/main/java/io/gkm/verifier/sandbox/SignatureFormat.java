package io.gkm.verifier.sandbox;

/** How a signature is attached to an image in an OCI registry. */
public enum SignatureFormat {
    /**
     * cosign v2 ("legacy"): a manifest at tag {@code sha256-<hex>.sig} whose layers are
     * simple-signing payloads, with signature, certificate, chain and Rekor SET in annotations.
     */
    COSIGN_V2,
    /**
     * cosign v3: a Sigstore bundle v0.3 (DSSE in-toto statement whose subject has only a
     * digest) pushed as an OCI artifact whose {@code subject} is the image, listed in the
     * {@code sha256-<hex>} tag index for registries without the Referrers API.
     */
    SIGSTORE_BUNDLE
}
