package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.gkm.testkit.Fixtures;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kyverno/policies is GKM's own policy kustomization, fetched at deploy time from GKM's
 * repository at the seed commit (byte-identical by construction, nothing copied into this
 * project); the verifier's loader accepts those policies; the Kyverno Helm values tolerate GKM's
 * GPU-node taint.
 */
class KyvernoPoliciesTest {
    private static final Pattern REMOTE = Pattern.compile(
            "https://raw\\.githubusercontent\\.com/redhat-et/GKM/([0-9a-f]{40})/config/kyverno/policies/([^/]+)");
    private static final Path SEED_POLICIES = Path.of("gkm/config/kyverno/policies");

    @Test
    void thePolicyKustomizationFetchesTheSeedsFilesAtTheSeedCommit() throws IOException {
        List<String> resources = resources(Manifests.MODULE.resolve("kyverno/policies/kustomization.yaml"));
        List<String> seedResources = resources(Fixtures.path(SEED_POLICIES + "/kustomization.yaml"));
        String seedCommit = seedCommit();

        List<String> files = new ArrayList<>();
        Set<String> commits = new LinkedHashSet<>();
        for (String resource : resources) {
            Matcher m = REMOTE.matcher(resource);
            assertThat(m.matches()).as("a file of GKM's config/kyverno/policies at a full commit: " + resource).isTrue();
            commits.add(m.group(1));
            files.add(m.group(2));
        }

        assertThat(files).isEqualTo(seedResources).hasSize(3);
        assertThat(commits).hasSize(1);
        assertThat(commits.iterator().next()).startsWith(seedCommit);
    }

    @Test
    void theVerifiersLoaderAcceptsTheSeedsPolicies() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String resource : resources(Fixtures.path(SEED_POLICIES + "/kustomization.yaml"))) {
            files.add(Fixtures.path(SEED_POLICIES + "/" + resource));
        }

        List<ClusterPolicy> policies = PolicyLoader.load(files);

        assertThat(policies).extracting(ClusterPolicy::name).containsExactlyInAnyOrder(
                "verify-clustergkmcache-images", "verify-gkmcache-images-v2", "verify-gkmcache-images-v3");
        assertThat(PolicyLoader.load(Fixtures.path(SEED_POLICIES.toString()))).hasSameSizeAs(policies);
    }

    @Test
    void everyKyvernoControllerToleratesGkmsGpuNodeTaint() throws IOException {
        Set<Toleration> gkms = new LinkedHashSet<>();
        List<Path> pods;
        try (Stream<Path> files = Files.walk(Fixtures.path("gkm/examples"))) {
            pods = files.filter(p -> p.toString().endsWith("-pod.yaml")).sorted().toList();
        }
        for (Path file : pods) {
            for (Pod pod : Manifests.ofType(Manifests.parse(Files.readString(file)), Pod.class)) {
                gkms.addAll(pod.getSpec().getTolerations());
            }
        }
        Map<?, ?> values = Manifests.SERIALIZATION.unmarshal(
                Files.readString(Manifests.MODULE.resolve("kyverno/values.yaml")), Map.class);

        assertThat(gkms).isNotEmpty();
        assertThat(values.keySet().stream().map(String::valueOf).toList()).containsExactlyInAnyOrder(
                "admissionController", "backgroundController", "cleanupController", "reportsController");
        for (Object controller : values.values()) {
            Object tolerations = ((Map<?, ?>) controller).get("tolerations");
            List<Toleration> parsed = ((List<?>) tolerations).stream()
                    .map(t -> Manifests.SERIALIZATION.convertValue(t, Toleration.class)).toList();
            assertThat(parsed).containsExactlyInAnyOrderElementsOf(gkms);
        }
    }

    /** The GKM commit the fixtures come from, as their README names it. */
    private static String seedCommit() throws IOException {
        Matcher m = Pattern.compile("GKM at commit ([0-9a-f]{7,40})").matcher(Files.readString(Fixtures.path("README.md")));
        assertThat(m.find()).as("the fixtures' README names GKM's commit").isTrue();
        return m.group(1);
    }

    private static List<String> resources(Path kustomization) throws IOException {
        Map<?, ?> k = Manifests.SERIALIZATION.unmarshal(Files.readString(kustomization), Map.class);
        return ((List<?>) k.get("resources")).stream().map(String::valueOf).toList();
    }
}
