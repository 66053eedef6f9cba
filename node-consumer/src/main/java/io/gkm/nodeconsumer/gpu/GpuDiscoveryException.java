package io.gkm.nodeconsumer.gpu;

/** A sysfs file that does not read as amdkfd writes it; the message names the file and what is wrong. */
public final class GpuDiscoveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GpuDiscoveryException(String message) {
        super(message);
    }

    public GpuDiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
