package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test takes a seed policy, makes the one change its name says, and checks that the load
 * fails naming file, field path and reason. The seed files themselves stay in the fixtures.
 */
class SeedPolicyDefectTest {

    private static final String V2 = "gkmcache-policy-v2.yaml";
    private static final String V3 = "gkmcache-policy-v3.yaml";

    @TempDir
    Path dir;

    private PolicyLoadException loadEdited(String seed, String find, String replacement) {
        Path file = TestResources.write(dir, seed, TestResources.editedSeedPolicy(seed, find, replacement));
        Throwable thrown = catchThrowable(() -> PolicyLoader.load(file));
        assertThat(thrown).isInstanceOf(PolicyLoadException.class);
        PolicyLoadException e = (PolicyLoadException) thrown;
        assertThat(e.source()).isEqualTo(file.toString());
        assertThat(e.getMessage()).startsWith(file + ": " + (e.path().isEmpty() ? "" : e.path() + ": ") + e.reason());
        return e;
    }

    @Test
    void attestationsBesideAttestorsAreNotSupported() {
        PolicyLoadException e = loadEdited(V2, "          mutateDigest: true\n",
                "          mutateDigest: true\n          attestations:\n            - type: https://slsa.dev/provenance/v1\n");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].attestations");
        assertThat(e.reason()).startsWith("not supported");
        assertThat(e.getMessage()).contains(V2 + ": spec.rules[0].verifyImages[0].attestations: not supported");
    }

    @Test
    void notaryTypeIsNotSupported() {
        PolicyLoadException e = loadEdited(V2, "type: Cosign", "type: Notary");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].type");
        assertThat(e.reason()).isEqualTo("Notary not supported: expected Cosign or SigstoreBundle");
    }

    @Test
    void auditFailureActionWithDigestMutationIsRejectedAsKyvernoDoes() {
        PolicyLoadException e = loadEdited(V2, "validationFailureAction: Enforce", "validationFailureAction: Audit");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].mutateDigest");
        assertThat(e.reason()).contains("must be false when the failure action is Audit");
    }

    @Test
    void countAboveTheNumberOfEntriesIsRejected() {
        PolicyLoadException e = loadEdited(V3, "count: 1", "count: 2");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].attestors[0].count");
        assertThat(e.reason()).contains("between 1 and the number of entries (1)");
    }

    @Test
    void lookaheadInSubjectRegExpIsRejectedBecauseGoHasNone() {
        PolicyLoadException e = loadEdited(V2, "subjectRegExp: \"https://github.com/.*\"",
                "subjectRegExp: \"https://github.com/(?!evil)\"");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.subjectRegExp");
        assertThat(e.reason()).contains("do not exist in Go's RE2 syntax");
    }

    @Test
    void namespacedPolicyKindIsRejected() {
        PolicyLoadException e = loadEdited(V2, "kind: ClusterPolicy", "kind: Policy");
        assertThat(e.path()).isEqualTo("kind");
        assertThat(e.reason()).startsWith("Policy not supported: only ClusterPolicy");
    }

    @Test
    void otherApiVersionIsRejected() {
        PolicyLoadException e = loadEdited(V2, "apiVersion: kyverno.io/v1", "apiVersion: kyverno.io/v2beta1");
        assertThat(e.path()).isEqualTo("apiVersion");
        assertThat(e.reason()).isEqualTo("kyverno.io/v2beta1 not supported: expected kyverno.io/v1");
    }

    @Test
    void ruleWithoutNameIsRejected() {
        PolicyLoadException e = loadEdited(V2, "- name: verify-v2-legacy-images\n      match:", "- match:");
        assertThat(e.path()).isEqualTo("spec.rules[0].name");
        assertThat(e.reason()).isEqualTo("required");
    }

    @Test
    void stringWhereABooleanBelongsIsRejected() {
        PolicyLoadException e = loadEdited(V2, "mutateDigest: true", "mutateDigest: \"true\"");
        assertThat(e.path()).isEqualTo("spec.rules[0].verifyImages[0].mutateDigest");
        assertThat(e.reason()).isEqualTo("must be true or false");
    }

    @Test
    void keylessEntryWithoutRekorOrRootsIsRejected() {
        String text = TestResources.seedPolicyText(V3);
        String withoutRekor = text.substring(0, text.indexOf("                    rekor:"));
        Path file = TestResources.write(dir, V3, withoutRekor);
        assertThatThrownBy(() -> PolicyLoader.load(file))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage(file + ": spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless: rekor or roots is"
                        + " required (Kyverno rejects a keyless entry with neither)");
    }

    @Test
    void unclosedFlowSequenceIsMalformedYaml() {
        PolicyLoadException e = loadEdited(V2, "rules:", "rules: [");
        assertThat(e.path()).isEmpty();
        assertThat(e.reason()).isEqualTo("malformed YAML: while parsing a flow node: expected the node content,"
                + " but found '-' (line 10, column 5)");
    }

    @Test
    void repeatedKeyIsMalformedYamlRatherThanLastOneWins() {
        PolicyLoadException e = loadEdited(V2, "  background: true\n", "  background: true\n  background: false\n");
        assertThat(e.reason()).isEqualTo("malformed YAML: Duplicate field 'background' (line 8, column 13)");
    }

    @Test
    void unsupportedFieldInTheSecondDocumentNamesTheDocument() {
        String v3 = TestResources.editedSeedPolicy(V3, "      verifyImages:", "      preconditions: {}\n      verifyImages:");
        Path file = TestResources.write(dir, "both.yaml", TestResources.seedPolicyText(V2) + "\n---\n" + v3);
        assertThatThrownBy(() -> PolicyLoader.load(file))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith(file + " (document 2): spec.rules[0].preconditions: not supported");
    }

    @Test
    void kustomizationWithPatchesIsRejectedBecauseItWouldChangeThePolicies() {
        for (String seed : new String[] {V2, V3, "clustergkmcache-policy.yaml"}) {
            TestResources.write(dir, seed, TestResources.seedPolicyText(seed));
        }
        Path kustomization = TestResources.write(dir, "kustomization.yaml",
                TestResources.seedPolicyText("kustomization.yaml") + "patches:\n  - path: relax.yaml\n");
        assertThatThrownBy(() -> PolicyLoader.load(dir))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith(kustomization + ": patches: not supported");
    }

    @Test
    void kustomizationNamingAMissingFileIsRejected() {
        TestResources.write(dir, V2, TestResources.seedPolicyText(V2));
        Path kustomization = TestResources.write(dir, "kustomization.yaml", TestResources.editedSeedPolicy(
                "kustomization.yaml", "  - gkmcache-policy-v3.yaml", "  - gkmcache-policy-v4.yaml"));
        assertThatThrownBy(() -> PolicyLoader.load(kustomization))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageContaining(kustomization + ": resources[0]: \"clustergkmcache-policy.yaml\" does not exist");
    }

    @Test
    void directoryWithoutKustomizationLoadsEveryYamlFileInNameOrder() throws Exception {
        TestResources.write(dir, "b.yaml", TestResources.seedPolicyText(V2));
        TestResources.write(dir, "a.yml", TestResources.seedPolicyText(V3));
        TestResources.write(dir, "notes.txt", "not a policy");
        assertThat(PolicyLoader.load(dir)).extracting(ClusterPolicy::name)
                .containsExactly("verify-gkmcache-images-v3", "verify-gkmcache-images-v2");
    }
}
