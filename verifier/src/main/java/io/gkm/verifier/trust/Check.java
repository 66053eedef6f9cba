package io.gkm.verifier.trust;

/**
 * The check a signature failed, one per link of the chain of trust. Callers branch on it (and
 * tests assert it) instead of parsing messages; the message says the details.
 */
public enum Check {
    /** The trust root itself is unusable: unreadable, malformed, or lacking what the check needs. */
    TRUST_ROOT("trust root"),
    /** The signed object is not what the format requires (media type, JSON shape, bundle fields). */
    FORMAT("format"),
    /** The format is understood but this variant is not supported (e.g. Rekor v2 entries). */
    UNSUPPORTED("unsupported"),
    /** The signature does not bind the image: docker-manifest-digest or in-toto subject differs. */
    IMAGE_DIGEST("image digest"),
    /** The signature does not bind the artifact: message digest or in-toto subject differs. */
    ARTIFACT_DIGEST("artifact digest"),
    /** The verification key is missing, unreadable or not the one asked for. */
    KEY("key"),
    /** The signature does not verify with the signer's key. */
    SIGNATURE("signature"),
    /** The signing certificate does not chain to a trusted CA at signing time. */
    CERTIFICATE_CHAIN("certificate chain"),
    /** No valid signed certificate timestamp from a trusted CT log. */
    SCT("certificate transparency"),
    /** No transparency log entry, or one from a log the trust root does not know. */
    TLOG("transparency log"),
    /** The Rekor signed entry timestamp (SET) does not verify. */
    SET("Rekor SET"),
    /** The inclusion proof or its checkpoint does not verify. */
    INCLUSION_PROOF("inclusion proof"),
    /** The Rekor entry body does not record this payload, signature and signer. */
    TLOG_ENTRY("Rekor entry"),
    /** The signing time (integrated time or RFC 3161 timestamp) is outside the certificate's validity. */
    SIGNING_TIME("signing time");

    private final String label;

    Check(String label) {
        this.label = label;
    }

    /** Human words for the check, e.g. {@code Rekor SET}. */
    public String label() {
        return label;
    }
}
