package io.gkm.ingest.admission;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one admission request, as GKM's webhook (controller-runtime) gives it: allowed with
 * code 200, denied by a rule with 403, or refused as a bad request with 400.
 *
 * @param allowed whether the request is admitted
 * @param code the HTTP-style status code of the AdmissionResponse's status
 * @param message why (empty when allowed, unless the webhook verified the image itself: then its verdict)
 * @param check the check that decided
 * @param changes the changes to patch in, in order; empty when none
 */
public record AdmissionDecision(boolean allowed, int code, String message, Check check, List<ObjectChange> changes) {
    public static final int ALLOWED = 200;
    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;

    public AdmissionDecision {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(check, "check");
        changes = List.copyOf(changes);
        if (allowed != (check == Check.NONE)) {
            throw new IllegalArgumentException("a decision is allowed exactly when no check failed: " + check);
        }
        if (!allowed && !changes.isEmpty()) {
            throw new IllegalArgumentException("a denied request is not patched");
        }
    }

    public static AdmissionDecision allow() {
        return new AdmissionDecision(true, ALLOWED, "", Check.NONE, List.of());
    }

    public static AdmissionDecision allowWith(AnnotationChange change) {
        return new AdmissionDecision(true, ALLOWED, "", Check.NONE, List.of(change));
    }

    /** Allowed with {@code changes} (possibly none), saying why in {@code message}. */
    public static AdmissionDecision allowWith(List<ObjectChange> changes, String message) {
        return new AdmissionDecision(true, ALLOWED, message, Check.NONE, changes);
    }

    /** Denied by a validation rule (controller-runtime's {@code Denied}: 403 Forbidden). */
    public static AdmissionDecision deny(Check check, String message) {
        return new AdmissionDecision(false, FORBIDDEN, message, check, List.of());
    }

    /** Refused as a bad request (controller-runtime's {@code BadRequest}: 400). */
    public static AdmissionDecision badRequest(Check check, String message) {
        return new AdmissionDecision(false, BAD_REQUEST, message, check, List.of());
    }
}
