package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.ingest.admission.GkmExamples;
import io.gkm.ingest.admission.InlineVerify;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.Decision;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.TopicContents;
import io.gkm.testkit.WithKafka;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoader;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GKM_INLINE_VERIFY through the real HTTPS webhook: the verifier library with the seed's
 * ClusterGKMCache (and GKMCache v2) policy, its issuer and subject set to identities of a sandbox
 * Sigstore, GKM's example image in a real local registry signed by that Sigstore, the trust root
 * from its {@code trusted_root.json}, and every decision recorded on a real broker.
 */
@WithKafka
@WithOciRegistry
class InlineVerificationIT {
    private static final String TAG = "vector-add-cache-rocm";
    private static final String CLUSTER_POLICY = "verify-clustergkmcache-images/verify-and-mutate-image";
    /** Who signs for the ClusterGKMCache policy once its subject is edited to {@code https://ci.gkm.test/*}{@code /*}. */
    private static final SigningIdentity CLUSTER_SIGNER = SigningIdentity.uri("https://ci.gkm.test/gkm/caches",
            "https://ci-oidc.gkm.test");
    /** Who signs for the GKMCache v2 policy once its subjectRegExp is edited to {@code ^https://ci[.]gkm[.]test/}. */
    private static final SigningIdentity V2_SIGNER = SigningIdentity.uri(
            "https://ci.gkm.test/caches/.github/workflows/build.yaml@refs/heads/main", "https://ci-oidc.gkm.test");

    private static SandboxSigstore sigstore;
    private static GkmConfig config;
    private static List<ClusterPolicy> policies;
    /** Repositories holding GKM's example image: signed by the cluster signer, by another subject, unsigned; signed by the v2 signer. */
    private static String signed;
    private static String wrongSubject;
    private static String unsigned;
    private static String signedV2;
    private static String digest;

    @TempDir
    Path dir;

    private KafkaCluster kafka;
    private Topics topics;
    private RunningWebhook webhook;
    private InlineVerifier verifier;

    @BeforeAll
    static void signGkmsExampleImageAndEditTheSeedPolicies(OciRegistry registry, @TempDir Path shared)
            throws Exception {
        sigstore = SandboxSigstore.create();
        Path trustedRoot = sigstore.writeTrustedRoot(shared.resolve("trusted_root.json"));
        Path dockerConfig = Files.writeString(shared.resolve("config.json"), "{\"auths\":{}}");
        config = GkmConfig.load(List.of(Settings.CLUSTER, RegistrySettings.REGISTRY_TIMEOUT,
                        RegistrySettings.REGISTRY_AUTH_FILE, RegistrySettings.INSECURE_REGISTRIES,
                        VerifierSettings.TRUSTED_ROOT, VerifierSettings.SIGSTORE_TUF_URL, VerifierSettings.SIGSTORE_TUF_CACHE),
                Map.of(RegistrySettings.REGISTRY_AUTH_FILE.envVar(), dockerConfig.toString(),
                        VerifierSettings.TRUSTED_ROOT.envVar(), trustedRoot.toString(),
                        Settings.CLUSTER.envVar(), RunningWebhook.CLUSTER), Map.of(), Map.of(), Set.of());
        Path policyDir = Files.createDirectories(shared.resolve("policies"));
        editSeedPolicy(policyDir, "clustergkmcache-policy.yaml",
                "issuer: https://token.actions.githubusercontent.com", "issuer: " + CLUSTER_SIGNER.issuer(),
                "subject: https://github.com/*/*", "subject: https://ci.gkm.test/*/*");
        editSeedPolicy(policyDir, "gkmcache-policy-v2.yaml",
                "issuer: https://token.actions.githubusercontent.com", "issuer: " + V2_SIGNER.issuer(),
                "subjectRegExp: \"https://github.com/.*\"", "subjectRegExp: \"^https://ci[.]gkm[.]test/\"");
        policies = PolicyLoader.load(policyDir);

        signed = push(registry, Signing.keyless(CLUSTER_SIGNER));
        wrongSubject = push(registry, Signing.keyless(CLUSTER_SIGNER.withSubject("https://elsewhere.test/someone")));
        unsigned = push(registry, null);
        signedV2 = push(registry, Signing.keyless(V2_SIGNER));
    }

    /** A seed policy from the fixtures with its identities replaced, checking that the seed still holds them. */
    private static void editSeedPolicy(Path dir, String file, String... findAndReplace) throws IOException {
        String text = Files.readString(Fixtures.path("gkm/config/kyverno/policies/" + file));
        for (int i = 0; i < findAndReplace.length; i += 2) {
            assertThat(text).as("seed policy %s", file).contains(findAndReplace[i]);
            text = text.replace(findAndReplace[i], findAndReplace[i + 1]);
        }
        Files.writeString(dir.resolve(file), text);
    }

    /** GKM's example image in a repository of its own, signed in cosign v2's format unless {@code signing} is null. */
    private static String push(OciRegistry registry, Signing signing) {
        String repository = registry.uniqueRepository("gkm/cache-examples");
        registry.pushDockerArchive(Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar"), repository, TAG);
        digest = registry.resolve(repository, TAG).orElseThrow();
        if (signing != null) {
            sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort())
                    .sign(SignatureFormat.COSIGN_V2, repository, digest, signing);
        }
        return registry.hostPort() + "/" + repository + ":" + TAG;
    }

    @BeforeEach
    void topics(KafkaCluster kafka) {
        this.kafka = kafka;
        topics = new Topics(kafka.uniqueName("inline") + ".", 1, (short) 1);
        kafka.createTopics(1, topics.admissions(), topics.audit());
    }

    private void start(InlineVerify mode, Duration timeout) throws Exception {
        verifier = InlineVerifier.fromConfig(config, policies, timeout);
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics)
                .verifyingInline(mode, verifier, timeout));
    }

    @AfterEach
    void stop() throws Exception {
        if (webhook != null) {
            webhook.close();
        }
        if (verifier != null) {
            verifier.close();
        }
    }

    private static ObjectNode creating(String example, String image) {
        JsonNode cache = GkmExamples.read(example);
        ((ObjectNode) cache.path("spec")).put("image", image);
        return Reviews.create(cache);
    }

    private static ObjectNode clusterCache(String image) {
        return creating("cluster/11-clustergkmcache.yaml", image);
    }

    private JsonNode post(JsonNode review, boolean mutating) throws Exception {
        HttpResponse<String> http = webhook.post(Reviews.path(review, mutating), Reviews.JSON.writeValueAsBytes(review),
                "application/json");
        assertThat(http.statusCode()).isEqualTo(200);
        return Reviews.JSON.readTree(http.body()).path("response");
    }

    /** The two webhooks' responses, and the object between them. */
    private record Admission(JsonNode mutation, JsonNode mutated, JsonNode validation) {
    }

    /** Mutate, apply the patch, validate: what the API server does with GKM's two webhooks. */
    private Admission admit(ObjectNode review) throws Exception {
        JsonNode mutation = post(review, true);
        JsonNode mutated = Reviews.patchedObject(review, Reviews.JSON.createObjectNode().set("response", mutation));
        ObjectNode validation = review.deepCopy();
        ((ObjectNode) validation.path("request")).set("object", mutated);
        return new Admission(mutation, mutated, post(validation, false));
    }

    private List<AdmissionEvent> admissionEvents() {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.admissions())
                .stream().map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), AdmissionEvent.class)).toList();
    }

    private List<AuditEvent> auditEvents() {
        return TopicContents.readAll(kafka.readCommittedConsumerProps(kafka.uniqueName("g")), topics.audit())
                .stream().map(r -> EventCodec.INSTANCE.decode(r.topic(), r.value(), AuditEvent.class)).toList();
    }

    @Test
    void aClusterGkmCacheSignedAsTheClusterPolicySaysIsAllowedWithItsDigestPinnedByTheWebhook() throws Exception {
        start(InlineVerify.CLUSTER, Duration.ofSeconds(10));
        ObjectNode review = clusterCache(signed);

        long start = System.nanoTime();
        Admission admission = admit(review);
        System.out.printf("inline verification on loopback, cold: mutate and validate in %d ms (recording included)%n",
                (System.nanoTime() - start) / 1_000_000);
        JsonNode mutation = admission.mutation();
        JsonNode admitted = admission.mutated();
        JsonNode validation = admission.validation();

        assertThat(mutation.path("allowed").asBoolean()).as(mutation.toString()).isTrue();
        assertThat(admitted.path("spec").path("image").asString()).isEqualTo(signed + "@" + digest);
        assertThat(admitted.path("metadata").path("annotations").path("gkm.io/resolvedDigest").asString())
                .isEqualTo(digest);
        assertThat(admitted.path("metadata").path("annotations").has("kyverno.io/verify-images")).isFalse();
        assertThat(validation.path("allowed").asBoolean()).as(validation.toString()).isTrue();
        List<AdmissionEvent> events = admissionEvents();
        assertThat(events).extracting(AdmissionEvent::getDecision).containsExactly(Decision.ALLOWED, Decision.ALLOWED);
        assertThat(events).allSatisfy(e -> assertThat(e.getReason())
                .startsWith("image verified by the GKM webhook: VERIFIED by policy " + CLUSTER_POLICY + ": ")
                .contains("signer identity matched"));
        assertThat(events.get(0).getReason()).endsWith("spec.image pinned to " + signed + "@" + digest);
        assertThat(Reviews.JSON.readTree(events.get(0).getMutatedObject()).path("spec").path("image").asString())
                .isEqualTo(signed + "@" + digest);
        assertThat(auditEvents()).allSatisfy(a -> assertThat(a.getReason()).contains("VERIFIED by policy " + CLUSTER_POLICY));
    }

    @Test
    void anUnsignedClusterGkmCacheIsDeniedSayingNoSignaturesWereFound() throws Exception {
        start(InlineVerify.CLUSTER, Duration.ofSeconds(10));

        JsonNode mutation = post(clusterCache(unsigned), true);

        assertThat(mutation.path("allowed").asBoolean()).isFalse();
        assertThat(mutation.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(mutation.path("status").path("message").asString())
                .startsWith("image verification failed for '" + unsigned + "': REJECTED by policy " + CLUSTER_POLICY)
                .contains("no signatures found");
        assertThat(mutation.has("patch")).isFalse();
        assertThat(admissionEvents()).singleElement().satisfies(e -> {
            assertThat(e.getDecision()).isEqualTo(Decision.DENIED);
            assertThat(e.getReason()).contains("REJECTED", "no signatures found");
        });
    }

    @Test
    void aClusterGkmCacheSignedByAnotherIdentityIsDeniedNamingTheSubjectMismatch() throws Exception {
        start(InlineVerify.CLUSTER, Duration.ofSeconds(10));

        JsonNode mutation = post(clusterCache(wrongSubject), true);

        assertThat(mutation.path("allowed").asBoolean()).isFalse();
        assertThat(mutation.path("status").path("message").asString())
                .contains("REJECTED by policy " + CLUSTER_POLICY, "subject mismatch");
    }

    @Test
    void aClientCannotSkipMutationTheValidatingWebhookVerifiesThePinnedImageItself() throws Exception {
        start(InlineVerify.CLUSTER, Duration.ofSeconds(10));
        String pinnedUnsigned = unsigned + "@" + digest;
        ObjectNode forged = clusterCache(pinnedUnsigned);
        ((ObjectNode) forged.path("request").path("object").path("metadata")).putObject("annotations")
                .put("gkm.io/resolvedDigest", digest)
                .put("kyverno.io/verify-images", "{\"" + pinnedUnsigned + "\":\"pass\"}");

        JsonNode validation = post(forged, false);

        assertThat(validation.path("allowed").asBoolean()).isFalse();
        assertThat(validation.path("status").path("message").asString())
                .startsWith("image verification failed for '" + pinnedUnsigned + "': REJECTED")
                .contains("no signatures found");
    }

    @Test
    void anUnreachableRegistryIsADenialWithTheVerifiersErrorWithinTheBudget() throws Exception {
        Duration budget = Duration.ofSeconds(10);
        start(InlineVerify.CLUSTER, budget);
        String image;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            image = "127.0.0.1:" + closed.getLocalPort() + "/gkm/cache-examples:" + TAG;
        }

        long start = System.nanoTime();
        JsonNode mutation = post(clusterCache(image), true);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(mutation.path("allowed").asBoolean()).isFalse();
        assertThat(mutation.path("status").path("message").asString())
                .startsWith("image verification failed for '" + image + "': ERROR by policy " + CLUSTER_POLICY)
                .contains("registry unavailable");
        assertThat(took).isLessThan(budget);
    }

    @Test
    void aRegistryThatNeverAnswersIsADenialSayingNoVerdictCameWithinTheBudget() throws Exception {
        Duration budget = Duration.ofSeconds(1);
        start(InlineVerify.CLUSTER, budget);
        // Accepts connections (the kernel's backlog does) and never answers a request.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String image = "127.0.0.1:" + silent.getLocalPort() + "/gkm/cache-examples:" + TAG;

            long start = System.nanoTime();
            JsonNode mutation = post(clusterCache(image), true);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(mutation.path("allowed").asBoolean()).isFalse();
            assertThat(mutation.path("status").path("message").asString())
                    .isEqualTo("image verification failed for '" + image + "': TIMED_OUT: no verdict within 1000 ms "
                            + "(GKM_INLINE_VERIFY_TIMEOUT): the registry is slow or unreachable");
            assertThat(took).isLessThan(budget.plusSeconds(2));
        }
    }

    @Test
    void verificationsAbandonedAtTheBudgetFreeTheirThreadsForTheNextAdmission() throws Exception {
        // Enough for a cold verification on a loaded machine; the stuck ones take all of it.
        Duration budget = Duration.ofSeconds(5);
        start(InlineVerify.CLUSTER, budget);
        ExecutorService clients = Executors.newFixedThreadPool(InlineVerifier.THREADS);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String image = "127.0.0.1:" + silent.getLocalPort() + "/gkm/cache-examples:" + TAG;
            // As many as there are verification threads, each held by a registry that never answers.
            List<CompletableFuture<JsonNode>> stuck = new ArrayList<>();
            for (int i = 0; i < InlineVerifier.THREADS; i++) {
                stuck.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return post(clusterCache(image), true);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, clients));
            }
            assertThat(stuck).allSatisfy(f -> assertThat(f.get(30, TimeUnit.SECONDS).path("status").path("message")
                    .asString()).contains("TIMED_OUT"));

            JsonNode next = post(clusterCache(signed), true);

            // Held threads would leave it waiting in the queue until its own budget ran out.
            assertThat(next.path("allowed").asBoolean()).as(next.toString()).isTrue();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void withInlineVerificationOffASignedClusterGkmCacheIsDeniedAsInGkm() throws Exception {
        start(InlineVerify.OFF, Duration.ofSeconds(10));
        Admission admission = admit(clusterCache(signed));

        assertThat(admission.mutation().path("allowed").asBoolean()).isTrue();
        assertThat(admission.mutation().has("patch")).isFalse();
        assertThat(admission.validation().path("allowed").asBoolean()).isFalse();
        assertThat(admission.validation().path("status").path("message").asString())
                .isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
    }

    @Test
    void withAllAGkmCacheIsVerifiedByTheWebhookWithoutKyvernosAnnotation() throws Exception {
        start(InlineVerify.ALL, Duration.ofSeconds(10));
        Admission admission = admit(creating("namespace/11-gkmcache.yaml", signedV2));

        assertThat(admission.mutation().path("allowed").asBoolean()).as("%s", admission.mutation()).isTrue();
        assertThat(admission.validation().path("allowed").asBoolean()).as("%s", admission.validation()).isTrue();
        assertThat(admission.validation().path("status").path("message").asString())
                .startsWith("image verified by the GKM webhook: VERIFIED by policy verify-gkmcache-images-v2/");
        assertThat(admission.mutated().path("spec").path("image").asString()).isEqualTo(signedV2 + "@" + digest);
    }

    @Test
    void aLabelOnlyUpdateThatSelectsAnotherFormatIsVerifiedAgainAndDenied() throws Exception {
        start(InlineVerify.ALL, Duration.ofSeconds(10));
        Admission created = admit(creating("namespace/11-gkmcache.yaml", signedV2));
        assertThat(created.validation().path("allowed").asBoolean()).as("%s", created.validation()).isTrue();
        JsonNode admitted = created.mutated();
        ObjectNode relabelled = (ObjectNode) admitted.deepCopy();
        ((ObjectNode) relabelled.path("metadata").path("labels")).put("gkm.io/signature-format", "cosign-v3");

        Admission update = admit(Reviews.update(admitted, relabelled));

        // The image is signed the cosign-v2 way only; the new label asks for cosign v3.
        assertThat(update.mutation().path("allowed").asBoolean()).as("%s", update.mutation()).isFalse();
        assertThat(update.mutation().path("status").path("message").asString())
                .startsWith("image verification failed for '" + signedV2 + "@" + digest + "': REJECTED");
        assertThat(update.validation().path("allowed").asBoolean()).as("%s", update.validation()).isFalse();
        assertThat(admissionEvents()).extracting(AdmissionEvent::getDecision)
                .containsExactly(Decision.ALLOWED, Decision.ALLOWED, Decision.DENIED, Decision.DENIED);
    }

    @Test
    void withClusterAGkmCacheStillNeedsKyvernosAnnotation() throws Exception {
        start(InlineVerify.CLUSTER, Duration.ofSeconds(10));
        Admission admission = admit(creating("namespace/11-gkmcache.yaml", signedV2));

        assertThat(admission.mutation().has("patch")).isFalse();
        assertThat(admission.validation().path("allowed").asBoolean()).isFalse();
        assertThat(admission.validation().path("status").path("message").asString())
                .isEqualTo("gkm.io/resolvedDigest must be set by mutating webhook");
    }
}
