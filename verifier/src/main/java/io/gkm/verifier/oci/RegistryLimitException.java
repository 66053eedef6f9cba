package io.gkm.verifier.oci;

/** Content that is larger, or lists more entries, than a {@link RegistryLimit} allows. */
public final class RegistryLimitException extends RegistryException {
    private static final long serialVersionUID = 1L;

    private final RegistryLimit limit;
    private final long allowed;
    private final long actual;

    /** @param actual the size or count seen; for a body cut off while reading, more than {@code allowed} */
    public RegistryLimitException(RegistryLimit limit, long allowed, long actual, String what) {
        super(Reason.LIMIT_EXCEEDED, what + ": " + limit.describe(actual) + ", more than the limit of "
                + limit.describe(allowed) + "; refusing it (raise the limit with RegistryLimits.with("
                + limit.name() + ", n) only if such content is expected)");
        this.limit = limit;
        this.allowed = allowed;
        this.actual = actual;
    }

    public RegistryLimit limit() {
        return limit;
    }

    public long allowed() {
        return allowed;
    }

    public long actual() {
        return actual;
    }
}
