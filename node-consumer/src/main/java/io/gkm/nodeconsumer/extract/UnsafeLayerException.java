package io.gkm.nodeconsumer.extract;

/**
 * A layer that breaks a {@link TarSafety} rule, or over an {@link ExtractLimits} bound: the job
 * fails with this message, and nothing of the image is installed. Not retriable: the image is
 * content-addressed, so the same digest is always just as unsafe.
 */
public final class UnsafeLayerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsafeLayerException(String message) {
        super(message);
    }

    public UnsafeLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
