package io.gkm.verifier.identity;

import java.util.List;
import java.util.Objects;

/**
 * Who signed, as read from a Fulcio certificate.
 *
 * @param issuer the OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, else .1.1); empty when the
 *               certificate has neither
 * @param subjectAlternativeNames the certificate's SAN values (email addresses, URIs); a Fulcio
 *                                certificate has exactly one, and any one may satisfy a subject
 *                                requirement, as in Kyverno
 */
public record SignerIdentity(String issuer, List<String> subjectAlternativeNames) {

    public SignerIdentity {
        Objects.requireNonNull(issuer, "issuer");
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }

    /** A signer with one subject alternative name, the usual Fulcio case. */
    public static SignerIdentity of(String issuer, String subjectAlternativeName) {
        return new SignerIdentity(issuer, List.of(subjectAlternativeName));
    }
}
