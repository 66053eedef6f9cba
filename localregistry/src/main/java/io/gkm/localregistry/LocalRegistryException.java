package io.gkm.localregistry;

/** Why a {@link LocalRegistry} did not start; the message says what to do. */
public class LocalRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean binaryMissing;

    LocalRegistryException(String message, boolean binaryMissing, Throwable cause) {
        super(message, cause);
        this.binaryMissing = binaryMissing;
    }

    /** True when {@code docker-registry} is not installed: the message holds the install command. */
    public boolean binaryMissing() {
        return binaryMissing;
    }
}
