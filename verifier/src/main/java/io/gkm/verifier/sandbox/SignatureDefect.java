package io.gkm.verifier.sandbox;

/**
 * One thing wrong with an otherwise valid signature, named after the failure a verifier must
 * report. Everything else about such a signature is right (signed, logged, chained, SCT'd), so
 * a verifier that rejects it for another reason has a bug too.
 */
public enum SignatureDefect {
    /**
     * The certificate names {@link #INTRUDER_EMAIL} / {@link #INTRUDER_URI} instead of the
     * signer's subject. Every cryptographic check passes; a policy asking for the signer's
     * subject must not match.
     */
    WRONG_SUBJECT(true),
    /**
     * The certificate names {@link #INTRUDER_ISSUER} as OIDC issuer (both extensions). Every
     * cryptographic check passes; a policy asking for the signer's issuer must not match.
     */
    WRONG_ISSUER(true),
    /** The log integrated the signature ten minutes after the certificate expired. */
    EXPIRED_CERTIFICATE(true),
    /** The log integrated the signature an hour before the certificate became valid. */
    INTEGRATED_TIME_OUTSIDE_VALIDITY(true),
    /** What is attached is not what was signed and logged: the payload was changed afterwards. */
    TAMPERED_PAYLOAD(false),
    /**
     * The signature is valid but binds another image digest; it is attached to this image
     * (at its {@code .sig} tag, or as a referrer whose subject is this image).
     */
    WRONG_SUBJECT_DIGEST(false),
    /** The certificate comes from a second CA, with its own root, that the trusted root does not list. */
    UNTRUSTED_CA(true);

    /** The subject an e-mail identity's certificate names under {@link #WRONG_SUBJECT}. */
    public static final String INTRUDER_EMAIL = "intruder@intruder.gkm.invalid";
    /** The subject a URI identity's certificate names under {@link #WRONG_SUBJECT}. */
    public static final String INTRUDER_URI = "https://intruder.gkm.invalid/ci/sign.yaml@refs/heads/main";
    /** The OIDC issuer the certificate names under {@link #WRONG_ISSUER}. */
    public static final String INTRUDER_ISSUER = "https://oidc.intruder.gkm.invalid";

    private final boolean needsCertificate;

    SignatureDefect(boolean needsCertificate) {
        this.needsCertificate = needsCertificate;
    }

    /** Whether the defect is in the signing certificate, so only keyless signatures can have it. */
    public boolean needsCertificate() {
        return needsCertificate;
    }
}
