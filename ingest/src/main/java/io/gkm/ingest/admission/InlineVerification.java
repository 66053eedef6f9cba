package io.gkm.ingest.admission;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The verifier's verdict on a cache's image, asked by the webhook itself (see {@link InlineVerify}).
 *
 * @param outcome the verdict, or that none came in time
 * @param digest the {@code sha256:} digest verified; null unless VERIFIED
 * @param policy {@code <policy>/<rule>} that decided; empty when none matched
 * @param reasons the verifier's reasons, the deciding one first
 */
public record InlineVerification(Outcome outcome, String digest, String policy, List<String> reasons) {
    /** The verifier's three verdicts, and a fourth for no verdict within the budget. */
    public enum Outcome { VERIFIED, REJECTED, ERROR, TIMED_OUT }

    public InlineVerification {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(policy, "policy");
        reasons = List.copyOf(reasons);
        if ((outcome == Outcome.VERIFIED) != (digest != null)) {
            throw new IllegalArgumentException("a digest is given exactly when the image was verified: " + outcome);
        }
    }

    /** No verdict within {@code budget}. */
    public static InlineVerification timedOut(Duration budget) {
        return new InlineVerification(Outcome.TIMED_OUT, null, "", List.of("no verdict within " + budget.toMillis()
                + " ms (GKM_INLINE_VERIFY_TIMEOUT): the registry is slow or unreachable"));
    }

    /** The verification could not be run at all (e.g. too many already waiting). */
    public static InlineVerification failed(String reason) {
        return new InlineVerification(Outcome.ERROR, null, "", List.of(reason));
    }

    /** The verdict and its reasons in one line, for a status message and the recorded events. */
    String summary() {
        return outcome + (policy.isEmpty() ? "" : " by policy " + policy) + ": " + String.join("; ", reasons);
    }
}
