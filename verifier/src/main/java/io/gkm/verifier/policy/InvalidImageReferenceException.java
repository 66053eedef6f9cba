package io.gkm.verifier.policy;

/** An image reference that does not follow the OCI distribution reference grammar. */
public final class InvalidImageReferenceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String reference;
    private final String reason;

    public InvalidImageReferenceException(String reference, String reason) {
        super("invalid image reference \"" + reference + "\": " + reason);
        this.reference = reference;
        this.reason = reason;
    }

    /** The reference as given. */
    public String reference() {
        return reference;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
