package io.gkm.verifier.sandbox;

import java.util.Objects;

/**
 * Who a keyless signer is, as Fulcio writes it into the certificate: a subject alternative name
 * (an e-mail address, or a URI such as a CI workflow) and the OIDC issuer that vouched for it.
 */
public record SigningIdentity(SubjectKind kind, String subject, String issuer) {

    /** The subject alternative name's type. */
    public enum SubjectKind {
        /** rfc822Name, as for people signing with an e-mail login. */
        EMAIL,
        /** uniformResourceIdentifier, as for CI workflows (GitHub Actions, GitLab CI). */
        URI
    }

    public SigningIdentity {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        if (subject.isEmpty() || issuer.isEmpty()) {
            throw new IllegalArgumentException("subject and issuer must not be empty");
        }
    }

    /** A person: e-mail SAN {@code email}, OIDC issuer {@code issuer}. */
    public static SigningIdentity email(String email, String issuer) {
        return new SigningIdentity(SubjectKind.EMAIL, email, issuer);
    }

    /** A workload: URI SAN {@code uri} (e.g. a workflow ref), OIDC issuer {@code issuer}. */
    public static SigningIdentity uri(String uri, String issuer) {
        return new SigningIdentity(SubjectKind.URI, uri, issuer);
    }

    public SigningIdentity withSubject(String otherSubject) {
        return new SigningIdentity(kind, otherSubject, issuer);
    }

    public SigningIdentity withIssuer(String otherIssuer) {
        return new SigningIdentity(kind, subject, otherIssuer);
    }
}
