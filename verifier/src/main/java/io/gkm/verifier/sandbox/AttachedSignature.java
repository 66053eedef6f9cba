package io.gkm.verifier.sandbox;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A signature {@link ImageSigner} attached to an image, with what a caller needs to check the
 * verifier's answer against.
 *
 * @param imageDigest the digest of the image it is attached to, {@code sha256:<hex>}
 * @param manifestDigest the {@code .sig} manifest (v2; it holds every v2 signature of the image)
 *     or the bundle's referrer manifest (v3)
 * @param tag where it is found: {@code sha256-<hex>.sig} (v2) or the referrers tag index
 *     {@code sha256-<hex>} (v3)
 * @param certificate the signing certificate, absent for keyed signatures
 * @param certifiedIdentity who the certificate names (differs from the signer's under
 *     {@link SignatureDefect#WRONG_SUBJECT} and {@link SignatureDefect#WRONG_ISSUER})
 * @param rekorEntry the transparency log entry recording the signature
 */
public record AttachedSignature(SignatureFormat format, String repository, String imageDigest, String manifestDigest,
        String tag, Optional<X509Certificate> certificate, Optional<SigningIdentity> certifiedIdentity,
        RekorEntry rekorEntry, Optional<SignatureDefect> defect) {

    public AttachedSignature {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(certifiedIdentity, "certifiedIdentity");
        Objects.requireNonNull(rekorEntry, "rekorEntry");
        Objects.requireNonNull(defect, "defect");
    }
}
