package io.gkm.verifier.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * What a keyless attestor entry requires of the signer: {@code issuer} and {@code subject} are
 * {@link Wildcard} globs over the whole value, {@code issuerRegExp} and {@code subjectRegExp}
 * are unanchored {@link GoRegex}es. Absent criteria are not checked; with none at all, any
 * signer matches. See {@link IdentityMatcher} for how they combine.
 */
public record IdentityRequirement(
        Optional<String> issuer,
        Optional<GoRegex> issuerRegExp,
        Optional<String> subject,
        Optional<GoRegex> subjectRegExp) {

    private static final IdentityRequirement ANY =
            new IdentityRequirement(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public IdentityRequirement {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(issuerRegExp, "issuerRegExp");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(subjectRegExp, "subjectRegExp");
    }

    /**
     * From the four policy fields; null or empty means "not set", as in Kyverno.
     *
     * @throws IllegalArgumentException when a regular expression is not valid Go syntax
     */
    public static IdentityRequirement of(String issuer, String issuerRegExp, String subject, String subjectRegExp) {
        return new IdentityRequirement(
                nonEmpty(issuer),
                nonEmpty(issuerRegExp).map(GoRegex::compile),
                nonEmpty(subject),
                nonEmpty(subjectRegExp).map(GoRegex::compile));
    }

    /** The requirement that any signer meets. */
    public static IdentityRequirement any() {
        return ANY;
    }

    /** Whether no criterion is set. */
    public boolean isEmpty() {
        return issuer.isEmpty() && issuerRegExp.isEmpty() && subject.isEmpty() && subjectRegExp.isEmpty();
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
