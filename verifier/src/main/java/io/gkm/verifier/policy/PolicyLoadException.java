package io.gkm.verifier.policy;

import java.util.Objects;

/**
 * A policy file that cannot be used: unreadable, malformed YAML, not a {@code ClusterPolicy},
 * a required field missing or invalid, or a field outside the supported subset. The message is
 * {@code <file>: <path>: <reason>}, e.g.
 * {@code policies/x.yaml: spec.rules[0].verifyImages[0].attestations: not supported}.
 */
public final class PolicyLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String path;
    private final String reason;

    public PolicyLoadException(String source, String path, String reason) {
        this(source, path, reason, null);
    }

    public PolicyLoadException(String source, String path, String reason, Throwable cause) {
        super(source + ": " + (path.isEmpty() ? "" : path + ": ") + reason, cause);
        this.source = Objects.requireNonNull(source, "source");
        this.path = Objects.requireNonNull(path, "path");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The file (and document) at fault. */
    public String source() {
        return source;
    }

    /** The field at fault, e.g. {@code spec.rules[0].name}; empty for the whole file or document. */
    public String path() {
        return path;
    }

    /** What is wrong, without file and path. */
    public String reason() {
        return reason;
    }
}
