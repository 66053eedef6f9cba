package io.gkm.verifier.trust;

import java.util.Optional;

/**
 * The outcome of verifying one signature: verified with its {@link SignerFacts}, or rejected with
 * the failed {@link Check} and a reason that names it.
 */
public record SignatureVerdict(Optional<SignerFacts> facts, Optional<Check> failedCheck, String reason) {

    public static SignatureVerdict verified(SignerFacts facts) {
        return new SignatureVerdict(Optional.of(facts), Optional.empty(), "verified: " + facts.describe());
    }

    public static SignatureVerdict rejected(VerificationException failure) {
        return new SignatureVerdict(Optional.empty(), Optional.of(failure.check()),
                failure.check().label() + " check failed: " + failure.getMessage());
    }

    public boolean isVerified() {
        return facts.isPresent();
    }
}
