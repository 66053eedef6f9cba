package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.gkm.deploy.WebhookOrder.Call;
import io.gkm.deploy.WebhookOrder.Configuration;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GKM's webhooks must see a GKMCache after Kyverno has pinned its digest and written
 * {@code kyverno.io/verify-images}. Sorting every configuration the way the API server does shows
 * that ours come after all of Kyverno's, and that GKM's own deployment (configurations named
 * {@code gkm-...-webhook-configuration}) came before them in spite of the {@code z-} webhook names.
 */
class WebhookOrderTest {
    /**
     * Kyverno's webhook configurations and webhooks as Kyverno names them (kyverno/kyverno,
     * {@code pkg/config/config.go}; the resource webhooks get a {@code -fail} and an {@code -ignore}
     * variant for the policies' failure policies).
     */
    static final List<Configuration> KYVERNO_MUTATING = List.of(
            new Configuration("kyverno-policy-mutating-webhook-cfg", List.of("mutate-policy.kyverno.svc")),
            new Configuration("kyverno-resource-mutating-webhook-cfg",
                    List.of("mutate.kyverno.svc-fail", "mutate.kyverno.svc-ignore")),
            new Configuration("kyverno-verify-mutating-webhook-cfg", List.of("monitor-webhooks.kyverno.svc")));
    static final List<Configuration> KYVERNO_VALIDATING = List.of(
            new Configuration("kyverno-policy-validating-webhook-cfg", List.of("validate-policy.kyverno.svc")),
            new Configuration("kyverno-resource-validating-webhook-cfg",
                    List.of("validate.kyverno.svc-fail", "validate.kyverno.svc-ignore")));
    /** GKM's config/default/kustomization.yaml gives every object this name prefix. */
    private static final String GKM_NAME_PREFIX = "gkm-";

    @Test
    void ourMutatingWebhooksRunAfterEveryKyvernoMutatingWebhook() throws IOException {
        List<Configuration> ours = mutating(Manifests.file("base/ingest/webhooks.yaml"));

        List<Call> calls = assertAllAfterKyvernos(ours, KYVERNO_MUTATING);

        assertThat(names(ours)).containsExactlyInAnyOrder("z-mgkmcache.kb.io", "z-mclustergkmcache.kb.io");
        assertThat(calls.indexOf(call(calls, "z-mgkmcache.kb.io")))
                .isGreaterThan(calls.indexOf(call(calls, "mutate.kyverno.svc-fail")));
    }

    @Test
    void ourValidatingWebhooksSortAfterEveryKyvernoValidatingWebhook() throws IOException {
        List<Configuration> ours = validating(Manifests.file("base/ingest/webhooks.yaml"));

        assertAllAfterKyvernos(ours, KYVERNO_VALIDATING);

        assertThat(names(ours)).containsExactlyInAnyOrder("z-vgkmcache.kb.io", "z-vclustergkmcache.kb.io");
    }

    @Test
    void gkmsSeedDeploymentRanItsMutatingWebhookBeforeKyvernos() throws IOException {
        List<Configuration> gkm = mutating(Manifests.parse(
                Files.readString(Fixtures.path("gkm/config/webhook/manifests.yaml")))).stream()
                .map(c -> new Configuration(GKM_NAME_PREFIX + c.name(), c.webhooks())).toList();

        List<Call> calls = WebhookOrder.calls(concat(KYVERNO_MUTATING, gkm));

        assertThat(calls.indexOf(call(calls, "z-mgkmcache.kb.io")))
                .isLessThan(calls.indexOf(call(calls, "mutate.kyverno.svc-fail")));
    }

    @Test
    void configurationNamesDecideTheOrderAndWebhookNamesDoNot() {
        List<Call> calls = WebhookOrder.calls(List.of(
                new Configuration("b-config", List.of("a-first-by-name.example.com")),
                new Configuration("a-config", List.of("z-second.example.com", "y-third.example.com"))));

        assertThat(calls).extracting(Call::webhook)
                .containsExactly("z-second.example.com", "y-third.example.com", "a-first-by-name.example.com");
    }

    @Test
    void configurationNamesCompareByteWiseLikeGo() {
        // '-' (0x2d) sorts before '.' (0x2e) and before every letter; upper case before lower case.
        List<Call> calls = WebhookOrder.calls(List.of(
                new Configuration("gkm.b", List.of("dot")),
                new Configuration("gkm-b", List.of("dash")),
                new Configuration("gkmB", List.of("upper")),
                new Configuration("gkmb", List.of("lower"))));

        assertThat(calls).extracting(Call::webhook).containsExactly("dash", "dot", "upper", "lower");
    }

    static List<Configuration> mutating(List<HasMetadata> objects) {
        return Manifests.ofType(objects, MutatingWebhookConfiguration.class).stream().map(Configuration::of).toList();
    }

    static List<Configuration> validating(List<HasMetadata> objects) {
        return Manifests.ofType(objects, ValidatingWebhookConfiguration.class).stream().map(Configuration::of).toList();
    }

    /** Sorts ours with Kyverno's and checks that every one of ours is called after all of Kyverno's. */
    static List<Call> assertAllAfterKyvernos(List<Configuration> ours, List<Configuration> kyvernos) {
        List<Call> calls = WebhookOrder.calls(concat(kyvernos, ours));
        assertThat(ours).isNotEmpty();
        assertAllAfter(calls, names(ours), names(kyvernos));
        return calls;
    }

    /** Every call of {@code later} comes after every call of {@code earlier}. */
    private static void assertAllAfter(List<Call> calls, List<String> later, List<String> earlier) {
        int lastEarlier = earlier.stream().mapToInt(w -> calls.indexOf(call(calls, w))).max().orElseThrow();
        int firstLater = later.stream().mapToInt(w -> calls.indexOf(call(calls, w))).min().orElseThrow();
        assertThat(firstLater).as("first of %s after last of %s in %s", later, earlier, calls).isGreaterThan(lastEarlier);
    }

    private static Call call(List<Call> calls, String webhook) {
        return calls.stream().filter(c -> c.webhook().equals(webhook)).findFirst()
                .orElseThrow(() -> new AssertionError("no webhook " + webhook + " in " + calls));
    }

    private static List<String> names(List<Configuration> configurations) {
        return configurations.stream().flatMap(c -> c.webhooks().stream()).toList();
    }

    private static List<Configuration> concat(List<Configuration> a, List<Configuration> b) {
        List<Configuration> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
