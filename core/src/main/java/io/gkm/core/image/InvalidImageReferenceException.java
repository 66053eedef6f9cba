package io.gkm.core.image;

/**
 * An image reference or digest that does not follow the OCI distribution reference grammar.
 * Unchecked: it is bad input, to be reported to whoever wrote the reference, never retried.
 */
public final class InvalidImageReferenceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String reference;
    private final String reason;

    private InvalidImageReferenceException(String what, String reference, String reason) {
        super(what + " \"" + reference + "\": " + reason);
        this.reference = reference;
        this.reason = reason;
    }

    static InvalidImageReferenceException ofReference(String reference, String reason) {
        return new InvalidImageReferenceException("invalid image reference", reference, reason);
    }

    static InvalidImageReferenceException ofDigest(String digest, String reason) {
        return new InvalidImageReferenceException("not a valid digest", digest, reason);
    }

    /** The reference (or digest) as given. */
    public String reference() {
        return reference;
    }

    /** What is wrong with it, without the reference. */
    public String reason() {
        return reason;
    }
}
