package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.testkit.Fixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed policies applied to the GKM example resources (fixtures gkm/examples). */
class SeedPolicyMatchingTest {

    private static final String EXAMPLE_IMAGE = "quay.io/gkm/cache-examples:vector-add-cache-rocm";

    private PolicyEngine engine;

    @BeforeEach
    void loadSeedPolicies() throws Exception {
        engine = new PolicyEngine(PolicyLoader.load(Fixtures.path(TestResources.SEED_POLICIES + "/kustomization.yaml")));
    }

    @Test
    void cosignV2LabelSelectsOnlyTheV2PolicyForAGkmCache() {
        PolicyEvaluation evaluation = engine.evaluate(TestResources.exampleResource("gkm/examples/namespace/11-gkmcache.yaml"));

        assertThat(evaluation.selectingRules()).extracting(RuleOutcome::ruleId)
                .containsExactly("verify-gkmcache-images-v2/verify-v2-legacy-images");
        assertThat(evaluation.toVerify()).singleElement().satisfies(image -> {
            assertThat(image.image().reference().kyvernoForm()).isEqualTo(EXAMPLE_IMAGE);
            assertThat(image.image().pointer()).isEqualTo("/spec/image");
            assertThat(image.image().extractor()).isEqualTo("custom");
            assertThat(image.verification().type()).isEqualTo(SignatureType.COSIGN);
            assertThat(image.reason()).isEqualTo("spec.rules[0].verifyImages[0]: " + EXAMPLE_IMAGE
                    + " matches imageReferences \"*\"");
        });
        assertThat(evaluation.reasons()).containsExactly(
                "verify-clustergkmcache-images/verify-and-mutate-image: NOT_MATCHED: match.any[0]: kind"
                        + " gkm.io/v1alpha1/GKMCache matches none of kinds [ClusterGKMCache]",
                "verify-gkmcache-images-v2/verify-v2-legacy-images: APPLIES: 1 image(s): " + EXAMPLE_IMAGE,
                "verify-gkmcache-images-v3/verify-v3-bundle-images: NOT_MATCHED: match.any[0]: selector: label"
                        + " gkm.io/signature-format=cosign-v3 required, found gkm.io/signature-format=cosign-v2");
    }

    @Test
    void cosignV3LabelSelectsOnlyTheV3PolicyForAGkmCache() {
        PolicyEvaluation evaluation = engine.evaluate(
                TestResources.exampleResource("gkm/examples/namespace/12-gkmcache-cosign-v3.yaml"));

        assertThat(evaluation.selectingRules()).extracting(RuleOutcome::ruleId)
                .containsExactly("verify-gkmcache-images-v3/verify-v3-bundle-images");
        assertThat(evaluation.toVerify()).singleElement().satisfies(image -> {
            assertThat(image.image().reference().normalized()).isEqualTo("quay.io/mtahhan/vllm-flash-attention:rocm");
            assertThat(image.verification().type()).isEqualTo(SignatureType.SIGSTORE_BUNDLE);
        });
    }

    @Test
    void gkmCacheWithoutTheSignatureFormatLabelMatchesNoPolicy() {
        PolicyEvaluation evaluation = engine.evaluate(TestResources.exampleResource("gkm/examples/namespace/21-gkmcache.yaml"));

        assertThat(evaluation.selectingRules()).isEmpty();
        assertThat(evaluation.toVerify()).isEmpty();
        assertThat(evaluation.rules()).extracting(RuleOutcome::status).containsOnly(RuleOutcome.Status.NOT_MATCHED);
        assertThat(evaluation.rules()).filteredOn(r -> r.policy().name().startsWith("verify-gkmcache-images"))
                .extracting(RuleOutcome::reason)
                .containsExactly(
                        "match.any[0]: selector: label gkm.io/signature-format=cosign-v2 required, label absent",
                        "match.any[0]: selector: label gkm.io/signature-format=cosign-v3 required, label absent");
    }

    @Test
    void clusterGkmCacheIsSelectedByTheClusterPolicyAndItsImageFoundAtSpecImage() {
        KubeResource resource = TestResources.exampleResource("gkm/examples/cluster/11-clustergkmcache.yaml");
        assertThat(resource.namespace()).isNull();

        PolicyEvaluation evaluation = engine.evaluate(resource);

        assertThat(evaluation.selectingRules()).extracting(RuleOutcome::ruleId)
                .containsExactly("verify-clustergkmcache-images/verify-and-mutate-image");
        assertThat(evaluation.toVerify()).singleElement().satisfies(image -> {
            assertThat(image.image().reference().kyvernoForm()).isEqualTo(EXAMPLE_IMAGE);
            assertThat(image.image().pointer()).isEqualTo("/spec/image");
            assertThat(image.verification().type()).isEqualTo(SignatureType.COSIGN);
        });
    }

    @Test
    void clusterGkmCacheLabelledCosignV3StillGetsOnlyTheClusterPolicy() {
        PolicyEvaluation evaluation = engine.evaluate(
                TestResources.exampleResource("gkm/examples/cluster/12-clustergkmcache-cosign-v3.yaml"));

        assertThat(evaluation.selectingRules()).extracting(RuleOutcome::ruleId)
                .containsExactly("verify-clustergkmcache-images/verify-and-mutate-image");
        assertThat(evaluation.toVerify()).extracting(i -> i.verification().type()).containsExactly(SignatureType.COSIGN);
    }

    @Test
    void digestPinnedImageIsMatchedOnRepositoryAndDigestWithoutItsTag() {
        KubeResource example = TestResources.exampleResource("gkm/examples/namespace/11-gkmcache.yaml");
        String digest = "sha256:" + "ab".repeat(32);
        Map<String, Object> object = new LinkedHashMap<>(example.object());
        object.put("spec", Map.of("image", EXAMPLE_IMAGE + "@" + digest));

        PolicyEvaluation evaluation = engine.evaluate(KubeResource.of(object));

        assertThat(evaluation.toVerify()).singleElement().satisfies(image -> {
            assertThat(image.image().reference().kyvernoForm()).isEqualTo("quay.io/gkm/cache-examples@" + digest);
            assertThat(image.image().reference().tag()).contains("vector-add-cache-rocm");
        });
    }
}
