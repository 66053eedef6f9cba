package io.gkm.verifier.oci;

import java.util.Objects;

/**
 * A registry answer that retrying will not change: the content is missing, refused, too large or
 * not what its digest says. Transient failures are {@link RegistryUnavailableException} instead.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;


    /** Why; maps onto a verdict reason. */
    public enum Reason {
        /** 404: the tag, digest or repository does not exist. */
        NOT_FOUND,
        /** 401 after presenting the credentials we have (or having none). */
        UNAUTHORIZED,
        /** 403: the credentials are valid but may not read (or write) this repository. */
        DENIED,
        /** What was fetched does not hash to, or is not the size of, what was asked for. */
        DIGEST_MISMATCH,
        /** A referrer's {@code subject} is not the image it was listed for. */
        SUBJECT_MISMATCH,
        /** Larger or more numerous than a {@link RegistryLimit} allows ({@link RegistryLimitException}). */
        LIMIT_EXCEEDED,
        /** The content is not the JSON document it should be. */
        INVALID_CONTENT,
        /** Plain HTTP to a registry that is neither loopback nor listed as insecure. */
        INSECURE_REFUSED,
        /** The TLS handshake failed (e.g. the registry speaks plain HTTP, or its certificate is untrusted). */
        TLS_FAILED,
        /** Any other answer we cannot use (400, 405, 501, a missing header...). */
        UNEXPECTED_RESPONSE
    }

    private final Reason reason;

    public RegistryException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public RegistryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }
}
