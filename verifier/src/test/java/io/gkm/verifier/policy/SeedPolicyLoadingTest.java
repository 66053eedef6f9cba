package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.testkit.Fixtures;
import io.gkm.verifier.identity.IdentityRequirement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The seed's three ClusterPolicies (fixtures gkm/config/kyverno/policies) load unmodified. */
class SeedPolicyLoadingTest {

    private static Path seed(String file) {
        return Fixtures.path(TestResources.SEED_POLICIES + "/" + file);
    }

    @Test
    void kustomizationLoadsTheThreeSeedPoliciesInResourceOrder() throws Exception {
        List<ClusterPolicy> policies = PolicyLoader.load(seed("kustomization.yaml"));
        assertThat(policies).extracting(ClusterPolicy::name).containsExactly(
                "verify-clustergkmcache-images", "verify-gkmcache-images-v2", "verify-gkmcache-images-v3");
        assertThat(policies).extracting(policy -> Path.of(policy.source().location()).getFileName().toString())
                .containsExactly("clustergkmcache-policy.yaml", "gkmcache-policy-v2.yaml", "gkmcache-policy-v3.yaml");
        assertThat(policies).allSatisfy(policy -> {
            assertThat(policy.source().document()).isEqualTo(1);
            assertThat(policy.validationFailureAction()).isEqualTo(FailureAction.ENFORCE);
            assertThat(policy.background()).isTrue();
            assertThat(policy.webhookTimeoutSeconds()).isEqualTo(OptionalInt.of(30));
        });
    }

    @Test
    void directoryWithAKustomizationLoadsThroughIt() throws Exception {
        Path dir = Fixtures.path(TestResources.SEED_POLICIES);
        assertThat(PolicyLoader.load(dir)).isEqualTo(PolicyLoader.load(dir.resolve("kustomization.yaml")));
    }

    @Test
    void v2PolicySelectsCosignV2GkmCachesAndVerifiesLegacyCosignSignatures() throws Exception {
        ClusterPolicy policy = PolicyLoader.load(seed("gkmcache-policy-v2.yaml")).get(0);
        Rule rule = policy.rules().get(0);
        assertThat(rule.name()).isEqualTo("verify-v2-legacy-images");
        assertThat(rule.match()).isEqualTo(new MatchBlock(MatchBlock.Mode.ANY, List.of(new ResourceFilter(
                List.of("GKMCache"), List.of(), List.of(),
                Optional.of(new LabelSelector(Map.of("gkm.io/signature-format", "cosign-v2"), List.of()))))));
        assertThat(rule.exclude()).isEmpty();
        assertThat(rule.extractorsFor("GKMCache")).containsExactly(
                new ImageExtractor("custom", "/spec/image", List.of("spec"), "image", Optional.empty()));

        ImageVerification verification = rule.verifyImages().get(0);
        assertThat(verification.type()).isEqualTo(SignatureType.COSIGN);
        assertThat(verification.imageReferences()).containsExactly("*");
        assertThat(verification.skipImageReferences()).isEmpty();
        assertThat(verification.mutateDigest()).isTrue();
        assertThat(verification.verifyDigest()).isTrue();
        assertThat(verification.required()).isTrue();
        assertThat(verification.failureAction()).isEqualTo(FailureAction.ENFORCE);
        assertThat(verification.path()).isEqualTo("spec.rules[0].verifyImages[0]");

        AttestorSet set = verification.attestors().get(0);
        assertThat(set.count()).isEqualTo(OptionalInt.of(1));
        assertThat(set.requiredCount()).isEqualTo(1);
        assertThat(set.entries()).singleElement().isInstanceOfSatisfying(KeylessAttestor.class, keyless -> {
            assertThat(keyless.identity()).isEqualTo(IdentityRequirement.of(
                    "https://token.actions.githubusercontent.com", null, null, "https://github.com/.*"));
            assertThat(keyless.rekor()).contains(new Rekor(Optional.of("https://rekor.sigstore.dev"), Optional.empty(), false));
            assertThat(keyless.ctlog()).isEmpty();
            assertThat(keyless.roots()).isEmpty();
            assertThat(keyless.path()).isEqualTo("spec.rules[0].verifyImages[0].attestors[0].entries[0]");
        });
    }

    @Test
    void v3PolicyVerifiesSigstoreBundlesWithAnExactEmailSubject() throws Exception {
        ImageVerification verification = PolicyLoader.load(seed("gkmcache-policy-v3.yaml")).get(0)
                .rules().get(0).verifyImages().get(0);
        assertThat(verification.type()).isEqualTo(SignatureType.SIGSTORE_BUNDLE);
        assertThat(verification.attestors().get(0).entries()).singleElement()
                .isInstanceOfSatisfying(KeylessAttestor.class, keyless -> assertThat(keyless.identity()).isEqualTo(
                        IdentityRequirement.of("https://github.com/login/oauth", null, "mtahhan@redhat.com", null)));
    }

    @Test
    void clusterPolicyHasNoExtractorsAndDefaultsToCosignWithGlobSubject() throws Exception {
        Rule rule = PolicyLoader.load(seed("clustergkmcache-policy.yaml")).get(0).rules().get(0);
        assertThat(rule.imageExtractors()).isEmpty();
        assertThat(rule.extractorsFor("ClusterGKMCache")).extracting(ImageExtractor::path).containsExactly("/spec/image");
        ImageVerification verification = rule.verifyImages().get(0);
        assertThat(verification.type()).isEqualTo(SignatureType.COSIGN);
        assertThat(verification.attestors().get(0).entries()).singleElement()
                .isInstanceOfSatisfying(KeylessAttestor.class, keyless -> assertThat(keyless.identity().subject())
                        .contains("https://github.com/*/*"));
    }

    @Test
    void loadingThePolicyDirectoryTwiceFailsOnTheDuplicateName() {
        Path dir = Fixtures.path(TestResources.SEED_POLICIES);
        assertThatThrownBy(() -> PolicyLoader.load(List.of(dir, seed("gkmcache-policy-v2.yaml"))))
                .isInstanceOf(PolicyLoadException.class)
                .hasMessageContaining("gkmcache-policy-v2.yaml: metadata.name: policy \"verify-gkmcache-images-v2\""
                        + " is also defined in");
    }
}
