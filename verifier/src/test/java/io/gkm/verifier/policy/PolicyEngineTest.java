package io.gkm.verifier.policy;

import static io.gkm.verifier.policy.TestPolicies.MATCH_GKMCACHE;
import static io.gkm.verifier.policy.TestPolicies.VERIFY_ANY_IMAGE;
import static io.gkm.verifier.policy.TestPolicies.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kyverno's match, exclude, extraction and image reference rules on hand-written policies and resources. */
class PolicyEngineTest {

    private static KubeResource gkmCache(String namespace, String name, String labels, String image) {
        return TestResources.resource("""
                apiVersion: gkm.io/v1alpha1
                kind: GKMCache
                metadata:
                  name: %s
                  namespace: %s
                  labels: {%s}
                spec:
                  image: %s
                """.formatted(name, namespace, labels, image));
    }

    private static KubeResource gkmCache(String labels) {
        return gkmCache("team-a", "cache", labels, "registry.example/caches/vector-add:v1");
    }

    private static KubeResource clusterGkmCache(String image) {
        return TestResources.resource("""
                apiVersion: gkm.io/v1alpha1
                kind: ClusterGKMCache
                metadata:
                  name: shared
                spec:
                  image: %s
                """.formatted(image));
    }

    private static RuleOutcome only(PolicyEngine engine, KubeResource resource) {
        return engine.evaluate(resource).rules().get(0);
    }

    private static String selector(String selector) {
        return "match:\n  any:\n    - resources:\n        kinds: [GKMCache]\n        selector:\n"
                + TestResources.indent(selector, 10) + "\n";
    }

    @ParameterizedTest(name = "{0} with labels '{'{1}'}': {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {key: tier, operator: In, values: [gold, silver]}       | tier: gold        | APPLIES
            {key: tier, operator: In, values: [gold, silver]}       | tier: bronze      | NOT_MATCHED
            {key: tier, operator: In, values: [gold, silver]}       | ''                | NOT_MATCHED
            {key: tier, operator: NotIn, values: [gold]}            | tier: bronze      | APPLIES
            {key: tier, operator: NotIn, values: [gold]}            | ''                | APPLIES
            {key: tier, operator: NotIn, values: [gold]}            | tier: gold        | NOT_MATCHED
            {key: tier, operator: Exists}                           | tier: ""          | APPLIES
            {key: tier, operator: Exists}                           | other: x          | NOT_MATCHED
            {key: tier, operator: DoesNotExist}                     | other: x          | APPLIES
            {key: tier, operator: DoesNotExist}                     | tier: gold        | NOT_MATCHED
            """)
    void matchExpressionsFollowKubernetesLabelSelectorSemantics(String expression, String labels, RuleOutcome.Status status)
            throws Exception {
        PolicyEngine engine = engine(selector("matchExpressions:\n  - " + expression), VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache(labels)).status()).isEqualTo(status);
    }

    @Test
    void matchLabelsAndMatchExpressionsMustAllHold() throws Exception {
        PolicyEngine engine = engine(selector("matchLabels: {gkm.io/signature-format: cosign-v2}\n"
                + "matchExpressions:\n  - {key: tier, operator: Exists}"), VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache("gkm.io/signature-format: cosign-v2, tier: gold")).status())
                .isEqualTo(RuleOutcome.Status.APPLIES);
        RuleOutcome missingTier = only(engine, gkmCache("gkm.io/signature-format: cosign-v2"));
        assertThat(missingTier.status()).isEqualTo(RuleOutcome.Status.NOT_MATCHED);
        assertThat(missingTier.reason()).isEqualTo("match.any[0]: selector: label tier Exists required, label absent");
    }

    @Test
    void wildcardMatchLabelsNeedOneLabelMatchingKeyAndValue() throws Exception {
        PolicyEngine engine = engine(selector("matchLabels: {\"gkm.io/*\": \"cosign-*\"}"), VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache("gkm.io/signature-format: cosign-v3")).status()).isEqualTo(RuleOutcome.Status.APPLIES);
        RuleOutcome miss = only(engine, gkmCache("gkm.io/signature-format: notation, app: cosign-x"));
        assertThat(miss.status()).isEqualTo(RuleOutcome.Status.NOT_MATCHED);
        assertThat(miss.reason()).isEqualTo("match.any[0]: selector: no label matches gkm.io/*=cosign-*");
    }

    @Test
    void excludeAnyRemovesAResourceThatPassesOneFilter() throws Exception {
        PolicyEngine engine = engine(MATCH_GKMCACHE, """
                exclude:
                  any:
                    - resources: {namespaces: [kube-system]}
                    - resources: {names: ["test-*"]}
                """, VERIFY_ANY_IMAGE);
        RuleOutcome excluded = only(engine, gkmCache("team-a", "test-cache", "", "registry.example/c:v1"));
        assertThat(excluded.status()).isEqualTo(RuleOutcome.Status.EXCLUDED);
        assertThat(excluded.reason()).isEqualTo("excluded by exclude.any[1]");
        assertThat(excluded.images()).isEmpty();
        assertThat(only(engine, gkmCache("team-a", "cache", "", "registry.example/c:v1")).status())
                .isEqualTo(RuleOutcome.Status.APPLIES);
    }

    @Test
    void excludeAllRemovesOnlyAResourceThatPassesEveryFilter() throws Exception {
        PolicyEngine engine = engine(MATCH_GKMCACHE, """
                exclude:
                  all:
                    - resources: {namespaces: [kube-system]}
                    - resources: {names: ["test-*"]}
                """, VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache("team-a", "test-cache", "", "registry.example/c:v1")).status())
                .isEqualTo(RuleOutcome.Status.APPLIES);
        RuleOutcome excluded = only(engine, gkmCache("kube-system", "test-cache", "", "registry.example/c:v1"));
        assertThat(excluded.status()).isEqualTo(RuleOutcome.Status.EXCLUDED);
        assertThat(excluded.reason()).isEqualTo("excluded by exclude.all (every filter matched)");
    }

    @Test
    void matchAllRequiresEveryFilterAndReportsTheFirstThatFails() throws Exception {
        PolicyEngine engine = engine("""
                match:
                  all:
                    - resources: {kinds: [GKMCache]}
                    - resources: {kinds: [GKMCache], namespaces: ["prod-*"]}
                """, VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache("prod-eu", "cache", "", "registry.example/c:v1")).status())
                .isEqualTo(RuleOutcome.Status.APPLIES);
        RuleOutcome miss = only(engine, gkmCache("dev", "cache", "", "registry.example/c:v1"));
        assertThat(miss.reason()).isEqualTo("match.all[1]: namespace dev matches none of namespaces [prod-*]");
    }

    @Test
    void namespacesStarMatchesClusterScopedResourcesButAPatternDoesNot() throws Exception {
        PolicyEngine any = engine("match:\n  any:\n    - resources: {kinds: [\"*\"], namespaces: [\"*\"]}\n", VERIFY_ANY_IMAGE);
        assertThat(only(any, clusterGkmCache("registry.example/c:v1")).status()).isEqualTo(RuleOutcome.Status.APPLIES);
        PolicyEngine pattern = engine("match:\n  any:\n    - resources: {kinds: [\"*\"], namespaces: [\"gkm-*\"]}\n",
                VERIFY_ANY_IMAGE);
        RuleOutcome miss = only(pattern, clusterGkmCache("registry.example/c:v1"));
        assertThat(miss.status()).isEqualTo(RuleOutcome.Status.NOT_MATCHED);
        assertThat(miss.reason()).isEqualTo("match.any[0]: cluster-scoped resource matches none of namespaces [gkm-*]");
    }

    @ParameterizedTest(name = "kind selector {0}: {1}")
    @CsvSource({
        "GKMCache, APPLIES",
        "GKM*, APPLIES",
        "*, APPLIES",
        "v1alpha1/GKMCache, APPLIES",
        "gkm.io/v1alpha1/GKMCache, APPLIES",
        "gkm.io/*/GKMCache, APPLIES",
        "gkm.io/v1/GKMCache, NOT_MATCHED",
        "other.io/v1alpha1/GKMCache, NOT_MATCHED",
        "GKMCache/status, NOT_MATCHED",
        "ClusterGKMCache, NOT_MATCHED",
        "gkmcache, NOT_MATCHED",
    })
    void kindSelectorsMayNameGroupAndVersion(String kind, RuleOutcome.Status status) throws Exception {
        PolicyEngine engine = engine("match:\n  any:\n    - resources: {kinds: [\"" + kind + "\"]}\n", VERIFY_ANY_IMAGE);
        assertThat(only(engine, gkmCache("")).status()).isEqualTo(status);
    }

    @Test
    void skipImageReferencesTakeAnImageOutOfVerification() throws Exception {
        PolicyEngine engine = engine(MATCH_GKMCACHE, VERIFY_ANY_IMAGE.replace("  - imageReferences: [\"*\"]",
                "  - imageReferences: [\"registry.example/*\"]\n    skipImageReferences: [\"registry.example/experimental/*\"]"));
        ImageOutcome skipped = only(engine, gkmCache("team-a", "c", "", "registry.example/experimental/x:v1")).images().get(0);
        assertThat(skipped.selection()).isEqualTo(ImageOutcome.Selection.SKIPPED);
        assertThat(skipped.reason()).isEqualTo("spec.rules[0].verifyImages[0]: registry.example/experimental/x:v1 matches"
                + " skipImageReferences \"registry.example/experimental/*\"");
        ImageOutcome other = only(engine, gkmCache("team-a", "c", "", "quay.io/x:v1")).images().get(0);
        assertThat(other.selection()).isEqualTo(ImageOutcome.Selection.NOT_REFERENCED);
        assertThat(other.reason()).isEqualTo("spec.rules[0].verifyImages[0]: quay.io/x:v1 matches none of imageReferences"
                + " [registry.example/*]");
        assertThat(engine.evaluate(gkmCache("team-a", "c", "", "quay.io/x:v1")).toVerify()).isEmpty();
    }

    @ParameterizedTest(name = "{0} against {1}: {2}")
    @CsvSource({
        "cache, docker.io/*, VERIFY",
        "cache, docker.io/library/*, NOT_REFERENCED",
        "docker.io/library/cache, docker.io/library/*, VERIFY",
        "registry.example/c, registry.example/c:latest, VERIFY",
        "registry.example/c:v2, registry.example/c:v?, VERIFY",
        "registry.example/c:v10, registry.example/c:v?, NOT_REFERENCED",
    })
    void imageReferencesAreGlobsOverKyvernosFormOfTheImage(String image, String glob, ImageOutcome.Selection selection)
            throws Exception {
        PolicyEngine engine = engine(MATCH_GKMCACHE, VERIFY_ANY_IMAGE.replace("[\"*\"]", "[\"" + glob + "\"]"));
        assertThat(only(engine, gkmCache("team-a", "c", "", image)).images().get(0).selection()).isEqualTo(selection);
    }

    @Test
    void customExtractorWalksListsWithStarAndKeysImagesByName() throws Exception {
        PolicyEngine engine = engine("""
                match:
                  any:
                    - resources: {kinds: [CacheBundle]}
                imageExtractors:
                  CacheBundle:
                    - name: caches
                      path: /spec/caches/*
                      value: ref
                      key: name
                """, VERIFY_ANY_IMAGE);
        KubeResource bundle = TestResources.resource("""
                apiVersion: example.io/v1
                kind: CacheBundle
                metadata: {name: b, namespace: n}
                spec:
                  caches:
                    - {name: triton, ref: registry.example/triton:v1}
                    - {name: empty, ref: "  "}
                    - {name: vllm, ref: "registry.example/vllm@sha256:%s"}
                """.formatted("cd".repeat(32)));
        RuleOutcome outcome = only(engine, bundle);
        assertThat(outcome.status()).isEqualTo(RuleOutcome.Status.APPLIES);
        assertThat(outcome.images()).extracting(i -> i.image().extractor(), i -> i.image().key(), i -> i.image().pointer())
                .containsExactly(
                        tuple("caches", "triton", "/spec/caches/0/ref"),
                        tuple("caches", "vllm", "/spec/caches/2/ref"));
    }

    @Test
    void kindWithoutExtractorsHasNoImages() throws Exception {
        PolicyEngine engine = engine("match:\n  any:\n    - resources: {kinds: [ConfigMap]}\n", VERIFY_ANY_IMAGE);
        RuleOutcome outcome = only(engine, TestResources.resource("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n"));
        assertThat(outcome.status()).isEqualTo(RuleOutcome.Status.APPLIES);
        assertThat(outcome.images()).isEmpty();
        assertThat(outcome.reason()).isEqualTo("no image found by the image extractors for ConfigMap");
    }

    @Test
    void invalidImageInTheResourceIsAnImageError() throws Exception {
        RuleOutcome outcome = only(engine(MATCH_GKMCACHE, VERIFY_ANY_IMAGE), gkmCache("team-a", "c", "", "Registry.Example/Caches:v1"));
        assertThat(outcome.status()).isEqualTo(RuleOutcome.Status.IMAGE_ERROR);
        assertThat(outcome.reason()).isEqualTo("invalid image reference \"Registry.Example/Caches:v1\": repository path"
                + " \"Caches\" must be lower case");
        assertThat(engine(MATCH_GKMCACHE, VERIFY_ANY_IMAGE).evaluate(gkmCache("team-a", "c", "", "Registry.Example/Caches:v1"))
                .selectingRules()).containsExactly(outcome);
    }

    @Test
    void resourceShapedUnlikeTheExtractorPathIsAnImageError() throws Exception {
        PolicyEngine engine = engine(MATCH_GKMCACHE, "imageExtractors:\n  GKMCache:\n    - path: /spec/image/*/ref\n",
                VERIFY_ANY_IMAGE);
        RuleOutcome outcome = only(engine, gkmCache(""));
        assertThat(outcome.status()).isEqualTo(RuleOutcome.Status.IMAGE_ERROR);
        assertThat(outcome.reason()).isEqualTo("image extractor at /spec/image: \"*\" needs a list or an object");
    }

    @Test
    void everyVerifyImagesEntryIsJudgedForEveryImage() throws Exception {
        String second = VERIFY_ANY_IMAGE.substring(VERIFY_ANY_IMAGE.indexOf('\n') + 1)
                .replace("[\"*\"]", "[\"quay.io/*\"]");
        RuleOutcome outcome = only(engine(MATCH_GKMCACHE, VERIFY_ANY_IMAGE + second), gkmCache(""));
        assertThat(outcome.images()).extracting(i -> i.verification().path(), ImageOutcome::selection).containsExactly(
                tuple("spec.rules[0].verifyImages[0]", ImageOutcome.Selection.VERIFY),
                tuple("spec.rules[0].verifyImages[1]", ImageOutcome.Selection.NOT_REFERENCED));
    }
}
