package io.gkm.verifier.policy;

import static io.gkm.verifier.policy.TestPolicies.MATCH_GKMCACHE;
import static io.gkm.verifier.policy.TestPolicies.VERIFY_ANY_IMAGE;
import static io.gkm.verifier.policy.TestPolicies.parse;
import static io.gkm.verifier.policy.TestPolicies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loader behaviour beyond the seed policies, on hand-written policies. */
class PolicyLoaderTest {

    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String yaml, String path, String reason) {
        return assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith("test.yaml: " + path + ": " + reason)
                .satisfies(e -> assertThat(((PolicyLoadException) e).path()).isEqualTo(path));
    }

    @Test
    void fieldsTheApiServerDefaultsAreAcceptedWithTheirDefaultValue() throws Exception {
        String yaml = policy().replace("metadata:\n", """
                metadata:
                  uid: 0b8c1a52-4b1e-4d1a-9d5e-2f3c9b7a1e11
                  resourceVersion: "4711"
                  annotations:
                    policies.kyverno.io/title: Verify GKM caches
                """).replace("spec:\n", """
                spec:
                  admission: true
                  emitWarning: false
                  skipBackgroundRequests: true
                """).replace("\n        - imageReferences:", "\n        - useCache: true\n          imageReferences:")
                + "status:\n  ready: true\n";
        assertThat(parse(yaml)).singleElement().extracting(ClusterPolicy::name).isEqualTo("test-policy");
    }

    @Test
    void defaultedFieldWithAnotherValueIsRejected() {
        assertRejected(policy().replace("spec:\n", "spec:\n  admission: false\n"), "spec.admission",
                "not supported except with Kyverno's default value true");
    }

    @Test
    void missingValidationFailureActionMeansAuditSoMutateDigestMustBeTurnedOff() throws Exception {
        String audit = policy().replace("  validationFailureAction: Enforce\n", "");
        assertRejected(audit, "spec.rules[0].verifyImages[0].mutateDigest", "must be false when the failure action is Audit");
        ClusterPolicy policy = parse(audit.replace("\n        - imageReferences:", "\n        - mutateDigest: false\n          imageReferences:"))
                .get(0);
        assertThat(policy.validationFailureAction()).isEqualTo(FailureAction.AUDIT);
        assertThat(policy.rules().get(0).verifyImages().get(0).failureAction()).isEqualTo(FailureAction.AUDIT);
    }

    @Test
    void verifyImagesFailureActionOverridesThePolicyWideOne() throws Exception {
        String yaml = policy().replace("\n        - imageReferences:",
                "\n        - failureAction: Audit\n          mutateDigest: false\n          imageReferences:");
        ImageVerification verification = parse(yaml).get(0).rules().get(0).verifyImages().get(0);
        assertThat(verification.failureAction()).isEqualTo(FailureAction.AUDIT);
        assertThat(verification.mutateDigest()).isFalse();
    }

    @Test
    void lowerCaseValidationFailureActionIsAcceptedAsKyvernoStillDoes() throws Exception {
        assertThat(parse(policy().replace("Enforce", "enforce")).get(0).validationFailureAction())
                .isEqualTo(FailureAction.ENFORCE);
        assertRejected(policy().replace("Enforce", "Block"), "spec.validationFailureAction", "\"Block\" is not Audit or Enforce");
    }

    @Test
    void severalPublicKeysInOneValueBecomeOneEntryEachAndAllAreRequiredWithoutCount() throws Exception {
        String keys = TestResources.publicKeyPem() + TestResources.publicKeyPem() + TestResources.publicKeyPem();
        String yaml = policy(MATCH_GKMCACHE, """
                verifyImages:
                  - imageReferences: ["*"]
                    attestors:
                      - entries:
                          - keys:
                              publicKeys: |-
                """ + TestResources.indent(keys, 18) + "\n" + """
                              rekor:
                                ignoreTlog: true
                """);
        AttestorSet set = parse(yaml).get(0).rules().get(0).verifyImages().get(0).attestors().get(0);
        assertThat(set.entries()).hasSize(3).allSatisfy(entry -> assertThat(entry).isInstanceOf(KeyAttestor.class));
        assertThat(set.entries()).extracting(Attestor::path).containsExactly(
                "spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys[0]",
                "spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys[1]",
                "spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys[2]");
        assertThat(set.entries()).extracting(entry -> ((KeyAttestor) entry).publicKey()).doesNotHaveDuplicates()
                .allSatisfy(pem -> assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----").endsWith("-----END PUBLIC KEY-----"));
        assertThat(set.requiredCount()).isEqualTo(3);

        AttestorSet one = parse(yaml.replace("\n            - entries:", "\n            - count: 1\n              entries:")).get(0)
                .rules().get(0).verifyImages().get(0).attestors().get(0);
        assertThat(one.entries()).hasSize(3);
        assertThat(one.requiredCount()).isEqualTo(1);
    }

    @Test
    void publicKeyThatDoesNotDecodeIsRejected() {
        String yaml = policy(MATCH_GKMCACHE, """
                verifyImages:
                  - imageReferences: ["*"]
                    attestors:
                      - entries:
                          - keys:
                              publicKeys: |-
                                -----BEGIN PUBLIC KEY-----
                                bm90IGEga2V5
                                -----END PUBLIC KEY-----
                """);
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys",
                "PEM block 1 is not a valid public key");
    }

    @Test
    void keyReferenceInsteadOfPemIsNotSupported() {
        String yaml = policy(MATCH_GKMCACHE, """
                verifyImages:
                  - imageReferences: ["*"]
                    attestors:
                      - entries:
                          - keys:
                              publicKeys: k8s://gkm-system/cosign-public-key
                """);
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors[0].entries[0].keys.publicKeys",
                "no PEM PUBLIC KEY block");
    }

    @Test
    void entryWithBothKeylessAndKeysIsRejected() {
        String yaml = policy().replace("\n                - keyless:",
                "\n                - keys: {publicKeys: x}\n                  keyless:");
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors[0].entries[0]", "exactly one of keyless or keys");
    }

    @Test
    void keylessRekorWithoutUrlIsRejected() {
        String yaml = policy().replace("url: https://rekor.example", "ignoreTlog: true");
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.rekor.url", "required");
    }

    @Test
    void rekorUrlMustBeHttp() {
        String yaml = policy().replace("url: https://rekor.example", "url: ftp://rekor.example");
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors[0].entries[0].keyless.rekor.url",
                "\"ftp://rekor.example\" is not an http(s) URL");
    }

    @Test
    void verificationWithoutAttestorsIsNotSupported() {
        String yaml = policy(MATCH_GKMCACHE, "verifyImages:\n  - imageReferences: [\"*\"]\n");
        assertRejected(yaml, "spec.rules[0].verifyImages[0].attestors", "at least one attestor set is required");
    }

    @Test
    void matchWithBothAnyAndAllIsRejected() {
        String yaml = policy("""
                match:
                  any:
                    - resources: {kinds: [GKMCache]}
                  all:
                    - resources: {kinds: [GKMCache]}
                """, VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].match", "any and all cannot be combined");
    }

    @Test
    void legacyMatchResourcesWithoutAnyOrAllIsNotSupported() {
        String yaml = policy("match:\n  resources:\n    kinds: [GKMCache]\n", VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].match.resources", "not supported (supported here: all, any)");
    }

    @Test
    void matchFilterWithoutKindsIsRejected() {
        String yaml = policy("match:\n  any:\n    - resources:\n        names: [\"*\"]\n", VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].match.any[0].resources.kinds", "required in a match filter");
    }

    @Test
    void selectorWithoutRequirementsIsRejected() {
        String yaml = policy("match:\n  any:\n    - resources:\n        kinds: [GKMCache]\n        selector: {}\n",
                VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].match.any[0].resources.selector", "no requirements");
    }

    @Test
    void matchExpressionOperatorsAreChecked() {
        String template = "match:\n  any:\n    - resources:\n        kinds: [GKMCache]\n        selector:\n"
                + "          matchExpressions:\n            - {key: tier, operator: %s}\n";
        assertRejected(policy(template.formatted("In"), VERIFY_ANY_IMAGE),
                "spec.rules[0].match.any[0].resources.selector.matchExpressions[0].values", "required for operator In");
        assertRejected(policy(template.formatted("Exists, values: [x]"), VERIFY_ANY_IMAGE),
                "spec.rules[0].match.any[0].resources.selector.matchExpressions[0].values", "must be empty for operator Exists");
        assertRejected(policy(template.formatted("Gt, values: [\"1\"]"), VERIFY_ANY_IMAGE),
                "spec.rules[0].match.any[0].resources.selector.matchExpressions[0].operator",
                "\"Gt\" is not one of In, NotIn, Exists, DoesNotExist");
    }

    @Test
    void invalidLabelValueInMatchLabelsIsRejectedWithAQuotedKeyPath() {
        String yaml = policy("match:\n  any:\n    - resources:\n        kinds: [GKMCache]\n        selector:\n"
                + "          matchLabels:\n            gkm.io/signature-format: cosign v2\n", VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].match.any[0].resources.selector.matchLabels[\"gkm.io/signature-format\"]",
                "\"cosign v2\" is not a valid label value");
    }

    @Test
    void imageExtractorWithJmesPathIsNotSupported() {
        String yaml = policy(MATCH_GKMCACHE, "imageExtractors:\n  GKMCache:\n    - path: /spec/image\n"
                + "      jmesPath: \"trim_prefix(@, 'docker://')\"\n", VERIFY_ANY_IMAGE);
        assertRejected(yaml, "spec.rules[0].imageExtractors.GKMCache[0].jmesPath", "not supported");
    }

    @Test
    void ruleWithoutVerifyImagesIsRejected() {
        assertRejected(policy(MATCH_GKMCACHE), "spec.rules[0].verifyImages", "required: only verifyImages rules are supported");
    }

    @Test
    void duplicateRuleNamesAreRejected() {
        String rule = "- name: test-rule\n" + TestResources.indent(MATCH_GKMCACHE + VERIFY_ANY_IMAGE, 2);
        String yaml = policy() + TestResources.indent(rule, 4) + "\n";
        assertRejected(yaml, "spec.rules[1].name", "duplicate rule name \"test-rule\"");
    }

    @Test
    void invalidPolicyNameIsRejected() {
        assertRejected(policy().replace("name: test-policy", "name: Test_Policy"), "metadata.name",
                "\"Test_Policy\" is not a valid Kubernetes object name");
    }

    @Test
    void webhookTimeoutOutsideKubernetesRangeIsRejected() {
        assertRejected(policy().replace("spec:\n", "spec:\n  webhookTimeoutSeconds: 31\n"), "spec.webhookTimeoutSeconds",
                "must be between 1 and 30");
    }

    @Test
    void documentThatIsNotAMappingIsRejected() {
        assertThatThrownBy(() -> parse("- a\n- b\n"))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage("test.yaml: must be an object");
    }

    @Test
    void emptyDocumentsAreSkippedAndDocumentsKeepTheirNumber() throws Exception {
        List<ClusterPolicy> policies = parse("---\n---\n" + policy() + "---\n");
        assertThat(policies).singleElement().extracting(ClusterPolicy::source).isEqualTo(new PolicySource("test.yaml", 2));
        assertThat(policies.get(0).source()).hasToString("test.yaml (document 2)");
    }

    @Test
    void kustomizationInTextHasNothingToResolveAgainst() {
        assertThatThrownBy(() -> parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n"))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage("test.yaml: kind: a kustomization needs a file to resolve its resources against");
    }

    @Test
    void remoteKustomizationResourceIsNotSupported() {
        Path kustomization = TestResources.write(dir, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources:\n  - https://github.com/org/repo//policies?ref=main\n");
        assertThatThrownBy(() -> PolicyLoader.load(dir))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageStartingWith(kustomization + ": resources[0]: remote resource");
    }

    @Test
    void kustomizationCycleIsRejected() {
        String header = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n";
        TestResources.write(dir, "a/kustomization.yaml", header + "  - ../b\n");
        TestResources.write(dir, "b/kustomization.yaml", header + "  - ../a\n");
        assertThatThrownBy(() -> PolicyLoader.load(dir.resolve("a")))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageEndingWith("kustomization reached twice (a cycle, or listed twice)");
    }

    @Test
    void nestedKustomizationDirectoriesAreFollowed() throws Exception {
        String header = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n";
        TestResources.write(dir, "kustomization.yaml", header + "  - policies\n");
        TestResources.write(dir, "policies/kustomization.yaml", header + "  - one.yaml\n");
        TestResources.write(dir, "policies/one.yaml", policy());
        assertThat(PolicyLoader.load(dir)).extracting(ClusterPolicy::name).containsExactly("test-policy");
    }

    @Test
    void missingFileIsRejected() {
        Path missing = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> PolicyLoader.load(missing))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage(missing + ": no such file or directory");
    }

    @Test
    void fileThatIsNotUtf8IsRejected() throws Exception {
        Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> PolicyLoader.load(file))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage(file + ": not UTF-8 text");
    }

    @Test
    void emptyDirectoryIsRejected() {
        assertThatThrownBy(() -> PolicyLoader.load(dir))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessage(dir + ": no kustomization and no *.yaml or *.yml files");
    }
}
