package io.gkm.verifier.policy;

/** Kyverno's failure action: block the resource ({@code Enforce}) or only report ({@code Audit}). */
public enum FailureAction {
    AUDIT("Audit"),
    ENFORCE("Enforce");

    private final String policyName;

    FailureAction(String policyName) {
        this.policyName = policyName;
    }

    /** The spelling used in policies. */
    public String policyName() {
        return policyName;
    }
}
