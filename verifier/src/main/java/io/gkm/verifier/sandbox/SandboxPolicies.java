package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.policy.PolicyLoader;

/**
 * Kyverno ClusterPolicies shaped like GKM's seed policies (one per signature format, for the
 * GKMCaches whose {@code gkm.io/signature-format} label selects it, keyless with one attestor)
 * but trusting a sandbox signer: what {@code gkm demo} and {@code gkm bench verify} verify their
 * sandbox-signed images with. Built as a document and read by {@link PolicyLoader}, like any policy.
 */
public final class SandboxPolicies {
    /** The GKMCache label the seed policies select on. */
    public static final String SIGNATURE_FORMAT_LABEL = "gkm.io/signature-format";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SandboxPolicies() {
    }

    /** The {@value #SIGNATURE_FORMAT_LABEL} value that selects {@code format}'s policy, as in GKM's examples. */
    public static String labelValue(SignatureFormat format) {
        return format == SignatureFormat.COSIGN_V2 ? "cosign-v2" : "cosign-v3";
    }

    /**
     * The policy for GKMCaches labelled for {@code format}: Kyverno type Cosign (v2) or
     * SigstoreBundle (v3), any image, digest pinned, one keyless entry for {@code signer}'s
     * exact subject and issuer, logged in the sandbox Rekor.
     */
    public static ClusterPolicy gkmCache(SignatureFormat format, SigningIdentity signer) {
        String label = labelValue(format);
        ObjectNode policy = NODES.objectNode().put("apiVersion", "kyverno.io/v1").put("kind", "ClusterPolicy");
        policy.putObject("metadata").put("name", "verify-gkmcache-images-" + label + "-sandbox");
        ObjectNode spec = policy.putObject("spec").put("validationFailureAction", "Enforce").put("background", true);
        ObjectNode rule = spec.putArray("rules").addObject().put("name", "verify-" + label + "-images");
        ObjectNode resources = rule.putObject("match").putArray("any").addObject().putObject("resources");
        resources.putArray("kinds").add("GKMCache");
        resources.putObject("selector").putObject("matchLabels").put(SIGNATURE_FORMAT_LABEL, label);
        rule.putObject("imageExtractors").putArray("GKMCache").addObject().put("path", "/spec/image");
        ObjectNode verify = rule.putArray("verifyImages").addObject()
                .put("type", format == SignatureFormat.COSIGN_V2 ? "Cosign" : "SigstoreBundle")
                .put("mutateDigest", true);
        verify.putArray("imageReferences").add("*");
        ObjectNode keyless = verify.putArray("attestors").addObject().put("count", 1).putArray("entries").addObject()
                .putObject("keyless").put("issuer", signer.issuer()).put("subject", signer.subject());
        // The log is named as the seed names rekor.sigstore.dev; its key comes from the sandbox's trusted root.
        keyless.putObject("rekor").put("url", SandboxRekor.BASE_URL);
        try {
            // JSON is YAML: the loader checks the document as it checks any policy file.
            return PolicyLoader.parse(policy.toString(), "sandbox policy " + label).get(0);
        } catch (PolicyLoadException e) {
            throw new IllegalStateException("the sandbox policy for " + label + " does not load: " + e.getMessage(), e);
        }
    }
}
