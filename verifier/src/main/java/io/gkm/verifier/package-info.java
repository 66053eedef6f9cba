/**
 * The verifier's facade: {@link io.gkm.verifier.Verifier} takes a
 * {@link io.gkm.verifier.VerificationRequest} (a GKMCache or ClusterGKMCache as seen) and returns
 * the {@link io.gkm.schemas.event.VerificationResult}: VERIFIED, REJECTED or ERROR, with the policy
 * and rule, the signer, the transparency log entry, the cache targets and every reason.
 *
 * <p>Shaped as decode, decide, emit: the policy engine decides what to verify
 * ({@link io.gkm.verifier.policy}); {@code EvidenceCollector} is the registry edge;
 * {@code SignatureCheck} checks attestor entries against the fetched signatures
 * ({@link io.gkm.verifier.cosign}, {@link io.gkm.verifier.bundle}, {@link io.gkm.verifier.identity});
 * {@code VerdictDecision} turns it all into the verdict, purely. Trust comes from
 * {@link io.gkm.verifier.TrustRootSource}, configured by {@link io.gkm.verifier.VerifierSettings}.
 */
package io.gkm.verifier;
