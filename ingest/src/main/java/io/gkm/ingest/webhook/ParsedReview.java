package io.gkm.ingest.webhook;

/** What an HTTP body turned out to be. */
public sealed interface ParsedReview {
    /** A well-formed request for this path's kind: admission decides it. */
    record Call(AdmissionCall call) implements ParsedReview {
    }

    /** A request with a uid that cannot be admitted as sent: answered with an AdmissionReview error. */
    record Refused(String uid, String reason) implements ParsedReview {
    }

    /** Not an AdmissionReview with a uid: nothing to answer in one, so a plain 400. */
    record Unreadable(String reason) implements ParsedReview {
    }
}
