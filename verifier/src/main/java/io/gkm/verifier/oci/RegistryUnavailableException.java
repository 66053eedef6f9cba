package io.gkm.verifier.oci;

import io.gkm.core.stage.RetriableStageException;
import java.util.OptionalInt;

/**
 * The registry could not be reached or was overloaded (connection refused, timeout, 429, 5xx)
 * after the configured retries. Retriable: the stage loop retries the batch later.
 */
public final class RegistryUnavailableException extends RetriableStageException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the last HTTP status, or 0 if no answer came */
    public RegistryUnavailableException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The last HTTP status (429, 503...), empty when the registry did not answer at all. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
