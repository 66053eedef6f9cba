package io.gkm.verifier.policy;

/** {@code verifyImages[].type}: which signature format a verification looks for. */
public enum SignatureType {
    /** Cosign v2: a signature manifest at the tag {@code sha256-<hex>.sig}. Kyverno's default. */
    COSIGN("Cosign"),
    /** Cosign v3: a Sigstore bundle attached as an OCI 1.1 referrer. */
    SIGSTORE_BUNDLE("SigstoreBundle");

    private final String policyName;

    SignatureType(String policyName) {
        this.policyName = policyName;
    }

    /** The spelling used in policies. */
    public String policyName() {
        return policyName;
    }
}
