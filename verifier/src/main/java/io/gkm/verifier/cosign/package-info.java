/**
 * Cosign v2 ("legacy") image signatures: the simple-signing layers of a {@code sha256-<hex>.sig}
 * manifest, verified by {@link io.gkm.verifier.cosign.CosignVerifier} one
 * {@link io.gkm.verifier.cosign.SignatureLayer} at a time. Fetching the layers is the oci
 * package's job; matching the signer's identity against a policy is the identity package's.
 */
package io.gkm.verifier.cosign;
