package io.gkm.ingest.admission;

import static io.gkm.ingest.model.GkmApi.RESOLVED_DIGEST_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.ImageReference;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * GKM's example resources, sent as Kyverno (with GKM's policies) would leave them, get the outcome
 * GKM's Kyverno design describes: the labelled GKMCaches are admitted with their digest, the one
 * without label is denied, and ClusterGKMCaches are denied (Kyverno's ClusterGKMCache policy has no
 * image extractor for them, so it never verifies one).
 */
class GkmExamplesAdmissionTest {
    private final CacheAdmission admission = new CacheAdmission(KyvernoVerification.ENABLED, InlineVerify.OFF);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        namespace/11-gkmcache.yaml                 | true  |
        namespace/12-gkmcache-cosign-v3.yaml       | true  |
        namespace/21-gkmcache.yaml                 | false | gkm.io/resolvedDigest must be set by mutating webhook
        cluster/11-clustergkmcache.yaml            | false | gkm.io/resolvedDigest must be set by mutating webhook
        cluster/12-clustergkmcache-cosign-v3.yaml  | false | gkm.io/resolvedDigest must be set by mutating webhook
        """)
    void exampleGetsTheSeedsOutcome(String example, boolean allowed, String message) throws IOException {
        JsonNode submitted = GkmExamples.asKyvernoLeavesIt(GkmExamples.read(example));
        CacheKind kind = GkmExamples.kind(submitted);
        CacheObject object = CacheObject.fromJson(submitted);

        AdmissionDecision mutation = admission.mutate(object, null);
        CacheObject mutated = object.with(mutation.changes());
        AdmissionDecision validation = admission.validateCreate(kind, mutated, null);

        assertThat(mutation.allowed()).isTrue();
        assertThat(validation.allowed()).as(validation.message()).isEqualTo(allowed);
        if (allowed) {
            String pinned = ImageReference.parse(object.image()).digest().orElseThrow().toString();
            assertThat(mutated.annotation(RESOLVED_DIGEST_ANNOTATION)).isEqualTo(pinned);
        } else {
            assertThat(validation.message()).isEqualTo(message);
        }
    }

    @Test
    void kyvernoActsExactlyWhereTheSeedSaysItDoes() throws IOException {
        assertThat(GkmExamples.kyvernoVerifies(GkmExamples.read("namespace/11-gkmcache.yaml"))).isTrue();
        assertThat(GkmExamples.kyvernoVerifies(GkmExamples.read("namespace/12-gkmcache-cosign-v3.yaml"))).isTrue();
        assertThat(GkmExamples.kyvernoVerifies(GkmExamples.read("namespace/21-gkmcache.yaml"))).isFalse();
        assertThat(GkmExamples.kyvernoVerifies(GkmExamples.read("cluster/11-clustergkmcache.yaml"))).isFalse();
        assertThat(GkmExamples.kyvernoVerifies(GkmExamples.read("cluster/12-clustergkmcache-cosign-v3.yaml"))).isFalse();
    }

    @Test
    void everyCacheExampleIsCovered() throws IOException {
        List<String> caches;
        try (Stream<Path> files = Files.walk(Fixtures.path("gkm/examples"))) {
            caches = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> Fixtures.path("gkm/examples").relativize(p).toString())
                    .filter(p -> GkmExamples.isCache(GkmExamples.read(p)))
                    .sorted().toList();
        }
        assertThat(caches).containsExactly("cluster/11-clustergkmcache.yaml", "cluster/12-clustergkmcache-cosign-v3.yaml",
                "namespace/11-gkmcache.yaml", "namespace/12-gkmcache-cosign-v3.yaml", "namespace/21-gkmcache.yaml");
    }
}
