/**
 * A throw-away Sigstore for tests, made in the test JVM: {@link io.gkm.testkit.sigstore.TestSigstore}
 * holds a Fulcio-like CA ({@link io.gkm.testkit.sigstore.TestFulcio}), a CT log
 * ({@link io.gkm.testkit.sigstore.TestCtLog}), a Rekor log ({@link io.gkm.testkit.sigstore.TestRekor})
 * and a key for keyed signing, and writes the Sigstore {@code trusted_root.json} that trusts them.
 * {@link io.gkm.testkit.sigstore.ImageSigner} attaches signatures to images in the real local
 * registry, in cosign v2 ({@code .sig} tag) and cosign v3 (Sigstore bundle referrer) formats,
 * well-formed or with one {@link io.gkm.testkit.sigstore.SignatureDefect}.
 *
 * <p>Everything written follows the public formats (cosign's SIGNATURE_SPEC and BUNDLE_SPEC,
 * Rekor's hashedrekord and dsse 0.0.1 bodies, RFC 6962 SCTs and Merkle trees, signed-note
 * checkpoints, protobuf-specs TrustedRoot), so that a verifier that accepts these accepts real
 * cosign output for the same reasons.
 */
package io.gkm.testkit.sigstore;
