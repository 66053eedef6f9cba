/**
 * Sigstore bundles (v0.1 to v0.3 with Rekor v1 entries): cosign v3 image signatures, a DSSE
 * in-toto statement about the image digest, and message signatures over artifacts, verified by
 * {@link io.gkm.verifier.bundle.SigstoreBundleVerifier}. Does not use sigstore-java's
 * {@code KeylessVerifier}: 2.0.0 refuses the name-less in-toto subjects cosign writes, cannot read
 * public-key bundles, and misses the signing-time checks.
 */
package io.gkm.verifier.bundle;
