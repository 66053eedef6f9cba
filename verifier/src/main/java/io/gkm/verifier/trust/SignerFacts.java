package io.gkm.verifier.trust;

import java.util.Optional;

/**
 * What a verified signature proves about its signer.
 *
 * @param certificate the signing certificate (keyless signatures); absent for key-signed ones
 * @param tlogEntry the transparency log entry; absent when the log was not required
 */
public record SignerFacts(Optional<SigningCertificate> certificate, Optional<TlogEntry> tlogEntry) {

    /** One line for reasons and logs. */
    public String describe() {
        String signer = certificate.map(c -> "signed by " + c.describeIdentity()
                + ", certificate valid " + c.notBefore() + " to " + c.notAfter()).orElse("signed with the given key");
        String log = tlogEntry.map(e -> "Rekor log index " + e.logIndex() + ", integrated " + e.integratedTime())
                .orElse("no transparency log entry checked");
        return signer + "; " + log;
    }
}
