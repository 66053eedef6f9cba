package io.gkm.core.stage;

/**
 * The input is valid but a dependency is unavailable (registry 429/5xx, network timeout):
 * the stage loop retries the whole batch after a backoff instead of dead-lettering.
 */
public class RetriableStageException extends RuntimeException {
    public RetriableStageException(String message, Throwable cause) {
        super(message, cause);
    }

    public RetriableStageException(String message) {
        super(message);
    }
}
