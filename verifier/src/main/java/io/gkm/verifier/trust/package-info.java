/**
 * What a signature's trust rests on, shared by the cosign v2 and bundle verifiers.
 *
 * <ul>
 *   <li>{@link io.gkm.verifier.trust.TrustRoot}: CAs, Rekor and CT log keys, TSAs, from a Sigstore
 *       {@code trusted_root.json} or PEM files; it answers the trust questions (certificate chain,
 *       SCT, Rekor entry, RFC 3161 timestamps).</li>
 *   <li>{@link io.gkm.verifier.trust.SignatureVerdict}: one signature verified, with its
 *       {@link io.gkm.verifier.trust.SignerFacts} (certificate identity and validity, log index,
 *       integrated time), or rejected with the failed {@link io.gkm.verifier.trust.Check} and a
 *       reason.</li>
 *   <li>{@link io.gkm.verifier.trust.VerificationException}: the one failure type of the domain.</li>
 *   <li>{@link io.gkm.verifier.trust.RekorBody}, {@link io.gkm.verifier.trust.Signatures},
 *       {@link io.gkm.verifier.trust.Pem}: what both formats need to read entries, signatures and
 *       keys.</li>
 * </ul>
 *
 * <p>Built on sigstore-java 2.0.0's parts ({@code SigstoreTrustedRoot} parsing, {@code CTVerifier},
 * {@code InclusionProofVerifier}, {@code Checkpoints}, {@code TimestampVerifier}, the canonical
 * SET content of {@code RekorEntry}) plus the checks it lacks. Pure: no I/O except reading the
 * trust files given.
 */
package io.gkm.verifier.trust;
