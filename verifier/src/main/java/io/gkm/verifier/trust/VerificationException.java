package io.gkm.verifier.trust;

import java.util.Objects;

/**
 * A signature, its evidence or the trust root failed one {@link Check}. The message names what
 * failed and the values involved, precise enough to act on.
 */
public final class VerificationException extends Exception {
    private final Check check;

    public VerificationException(Check check, String message) {
        super(message);
        this.check = Objects.requireNonNull(check);
    }

    public VerificationException(Check check, String message, Throwable cause) {
        super(message, cause);
        this.check = Objects.requireNonNull(check);
    }

    public Check check() {
        return check;
    }
}
