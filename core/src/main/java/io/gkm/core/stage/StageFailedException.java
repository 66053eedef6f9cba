package io.gkm.core.stage;

/**
 * The stage cannot go on (fenced by a newer instance with the same id, not authorised, broker
 * incompatible): retrying would not help, the process should exit and be restarted or fixed.
 */
public final class StageFailedException extends RuntimeException {
    public StageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
