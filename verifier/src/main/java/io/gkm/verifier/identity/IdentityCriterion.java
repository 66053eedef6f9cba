package io.gkm.verifier.identity;

/** One criterion of an {@link IdentityRequirement}, named as in the policy. */
public enum IdentityCriterion {
    ISSUER("issuer"),
    ISSUER_REGEXP("issuerRegExp"),
    SUBJECT("subject"),
    SUBJECT_REGEXP("subjectRegExp");

    private final String policyField;

    IdentityCriterion(String policyField) {
        this.policyField = policyField;
    }

    /** The field name in a Kyverno keyless attestor. */
    public String policyField() {
        return policyField;
    }
}
