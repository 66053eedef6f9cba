package io.gkm.nodeconsumer.install;

import io.gkm.schemas.event.InstallOutcome;
import java.util.Map;
import java.util.Objects;

/**
 * What a node did with one job, before it becomes an {@code InstallResult} and an audit entry.
 *
 * @param outcome what happened
 * @param bytes   bytes written (or removed)
 * @param files   files written (or removed)
 * @param reason  why (the error of FAILED, the mismatch of SKIPPED_INCOMPATIBLE), else a short summary; may be null
 * @param details more for the audit entry (skipped entries, layer count, ...)
 */
public record JobOutcome(InstallOutcome outcome, long bytes, int files, String reason, Map<String, String> details) {
    public JobOutcome {
        Objects.requireNonNull(outcome, "outcome");
        details = Map.copyOf(details);
    }

    static JobOutcome failed(String reason) {
        return new JobOutcome(InstallOutcome.FAILED, 0, 0, reason, Map.of());
    }

    /** Whether {@link #reason()} is an error or mismatch the InstallResult carries in its error field. */
    public boolean isError() {
        return outcome == InstallOutcome.FAILED || outcome == InstallOutcome.SKIPPED_INCOMPATIBLE;
    }
}
