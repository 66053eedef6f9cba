package io.gkm.verifier.identity;

import java.util.Objects;

/** The outcome of {@link IdentityMatcher#match}: a match, or the first criterion that failed. */
public sealed interface IdentityMatch {

    boolean matched();

    /** One line for a verdict's reasons. */
    String reason();

    /**
     * Every criterion held.
     *
     * @param issuer the signer's issuer
     * @param subject the subject alternative name that met the subject criteria (the first SAN
     *                when there were none; empty when the certificate has no SAN)
     */
    record Matched(String issuer, String subject) implements IdentityMatch {

        public Matched {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(subject, "subject");
        }

        @Override
        public boolean matched() {
            return true;
        }

        @Override
        public String reason() {
            return "signer identity matched: issuer \"" + issuer + "\", subject \"" + subject + "\"";
        }
    }

    /**
     * A criterion failed.
     *
     * @param criterion which one
     * @param expected the glob or regular expression from the policy
     * @param actual the signer's value: the issuer, or the subject alternative names joined by
     *               {@code ", "} (empty when there is none)
     */
    record Mismatch(IdentityCriterion criterion, String expected, String actual) implements IdentityMatch {

        public Mismatch {
            Objects.requireNonNull(criterion, "criterion");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(actual, "actual");
        }

        @Override
        public boolean matched() {
            return false;
        }

        @Override
        public String reason() {
            String what = switch (criterion) {
                case ISSUER, ISSUER_REGEXP -> "issuer";
                case SUBJECT, SUBJECT_REGEXP -> "subject";
            };
            String how = switch (criterion) {
                case ISSUER, SUBJECT -> "does not match the glob";
                case ISSUER_REGEXP, SUBJECT_REGEXP -> "has no match for the regular expression";
            };
            String shown = actual.isEmpty() ? "(none in the certificate)" : "\"" + actual + "\"";
            return what + " mismatch: " + what + " " + shown + " " + how + " " + criterion.policyField()
                    + " \"" + expected + "\"";
        }
    }
}
