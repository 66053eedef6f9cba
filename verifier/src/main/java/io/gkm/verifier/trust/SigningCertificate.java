package io.gkm.verifier.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * The facts a signing certificate states about its signer: the identity (subject, OIDC issuer)
 * and the validity window. Matching them against a policy is the identity package's job.
 *
 * @param subjectAlternativeNames the e-mail and URI subject alternative names, in certificate
 *     order; Fulcio writes exactly one
 * @param issuer the OIDC issuer from the Fulcio extension, absent in certificates from other CAs
 */
public record SigningCertificate(
        List<String> subjectAlternativeNames, Optional<String> issuer, Instant notBefore, Instant notAfter,
        X509Certificate certificate) {

    public SigningCertificate {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }

    /** Fulcio's issuer extension (v2): a DER UTF8String. */
    static final String OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    /** Fulcio's first issuer extension, deprecated but still in old certificates: raw UTF-8 bytes, not DER. */
    static final String OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

    private static final int SAN_RFC822 = 1;
    private static final int SAN_URI = 6;

    /** Reads the facts from {@code certificate}; an unreadable identity extension is a {@link Check#FORMAT} failure. */
    public static SigningCertificate of(X509Certificate certificate) throws VerificationException {
        return new SigningCertificate(subjectAlternativeNames(certificate), issuerOf(certificate),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), certificate);
    }

    /** The signer: the first e-mail or URI subject alternative name. */
    public Optional<String> subject() {
        return subjectAlternativeNames.stream().findFirst();
    }

    /** True if {@code time} lies in the validity window, both ends included (X.509 semantics). */
    public boolean isValidAt(Instant time) {
        return !time.isBefore(notBefore) && !time.isAfter(notAfter);
    }

    /** {@code mitr@redhat.com (issuer https://github.com/login/oauth)}. */
    public String describeIdentity() {
        return subject().orElse("<no e-mail or URI subject>") + " (issuer " + issuer.orElse("<none>") + ")";
    }

    private static List<String> subjectAlternativeNames(X509Certificate certificate) throws VerificationException {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new VerificationException(Check.FORMAT,
                    "signing certificate has an unreadable subject alternative name: " + e.getMessage(), e);
        }
        if (names == null) {
            return List.of();
        }
        return names.stream()
                .filter(n -> n.get(0) instanceof Integer type && (type == SAN_RFC822 || type == SAN_URI))
                .map(n -> String.valueOf(n.get(1)))
                .toList();
    }

    private static Optional<String> issuerOf(X509Certificate certificate) throws VerificationException {
        try {
            byte[] v2 = extensionValue(certificate, OID_ISSUER_V2);
            if (v2 != null) {
                if (ASN1Primitive.fromByteArray(v2) instanceof ASN1String text) {
                    return Optional.of(text.getString());
                }
                throw new VerificationException(Check.FORMAT,
                        "signing certificate's issuer extension " + OID_ISSUER_V2 + " is not a UTF8String");
            }
            byte[] v1 = extensionValue(certificate, OID_ISSUER_V1);
            return v1 == null ? Optional.empty() : Optional.of(new String(v1, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new VerificationException(Check.FORMAT,
                    "signing certificate has an unreadable issuer extension: " + e.getMessage(), e);
        }
    }

    /** The extension's value without the OCTET STRING wrapper that X509Certificate leaves on it. */
    private static byte[] extensionValue(X509Certificate certificate, String oid) {
        byte[] wrapped = certificate.getExtensionValue(oid);
        return wrapped == null ? null : ASN1OctetString.getInstance(wrapped).getOctets();
    }
}
