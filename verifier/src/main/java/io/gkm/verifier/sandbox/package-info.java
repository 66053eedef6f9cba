/**
 * A throw-away Sigstore for {@code gkm demo}, {@code gkm bench verify} and tests, made in this
 * JVM; never a production trust root. {@link io.gkm.verifier.sandbox.SandboxSigstore}
 * holds a Fulcio-like CA ({@link io.gkm.verifier.sandbox.SandboxFulcio}), a CT log
 * ({@link io.gkm.verifier.sandbox.SandboxCtLog}), a Rekor log ({@link io.gkm.verifier.sandbox.SandboxRekor})
 * and a key for keyed signing, and writes the Sigstore {@code trusted_root.json} that trusts them.
 * {@link io.gkm.verifier.sandbox.ImageSigner} attaches signatures to images in a registry
 * through {@link io.gkm.verifier.oci.RegistryClient}, in cosign v2 ({@code .sig} tag) and
 * cosign v3 (Sigstore bundle referrer) formats,
 * well-formed or with one {@link io.gkm.verifier.sandbox.SignatureDefect}.
 *
 * <p>Everything written follows the public formats (cosign's SIGNATURE_SPEC and BUNDLE_SPEC,
 * Rekor's hashedrekord and dsse 0.0.1 bodies, RFC 6962 SCTs and Merkle trees, signed-note
 * checkpoints, protobuf-specs TrustedRoot), so that a verifier that accepts these accepts real
 * cosign output for the same reasons.
 */
package io.gkm.verifier.sandbox;
