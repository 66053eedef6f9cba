package io.gkm.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.sandbox.AttachedSignature;
import io.gkm.verifier.sandbox.ImageSigner;
import io.gkm.verifier.sandbox.SignatureDefect;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RetryPolicy;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoader;
import io.gkm.verifier.trust.Check;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier end to end: the seed policies (issuer and subject set to the test CA's
 * identities), the GKM example image in the real local registry, signatures from the test
 * Sigstore in both formats, and the trust root from its {@code trusted_root.json}.
 */
@WithOciRegistry
class VerifierIT {
    private static final String EXAMPLE_IMAGE = "gkm/mcv/example/vector-add-cache-rocm.tar";
    private static final Map<String, String> V2 = Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, "cosign-v2");
    private static final Map<String, String> V3 = Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, "cosign-v3");

    private static SandboxSigstore sigstore;
    private static List<ClusterPolicy> seedPolicies;
    private static TrustRootSource trustRoot;

    @BeforeAll
    static void startSigstoreAndLoadPolicies(@TempDir Path dir) throws Exception {
        sigstore = SandboxSigstore.create();
        trustRoot = TrustRootSource.file(sigstore.writeTrustedRoot(dir.resolve("trusted_root.json")));
        seedPolicies = PolicyLoader.load(SeedPolicies.writeTo(dir.resolve("policies")));
    }

    /** The GKM example image, pushed with skopeo to a repository of its own. */
    private record Pushed(String repository, String reference, Digest digest) {
    }

    private static Pushed pushExample(OciRegistry registry) {
        String repository = registry.uniqueRepository("gkm/cache-examples");
        registry.pushDockerArchive(Fixtures.path(EXAMPLE_IMAGE), repository, "vector-add-cache-rocm");
        Digest digest = Digest.parse(registry.resolve(repository, "vector-add-cache-rocm").orElseThrow());
        return new Pushed(repository, registry.hostPort() + "/" + repository + ":vector-add-cache-rocm", digest);
    }

    private static ImageSigner imageSigner(OciRegistry registry) {
        return sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort());
    }

    private static Verifier verifier(RegistryClient client) {
        return verifier(client, seedPolicies);
    }

    private static Verifier verifier(RegistryClient client, List<ClusterPolicy> policies) {
        return Verifier.builder().policies(policies).trustRoot(trustRoot).registry(client).build();
    }

    private static VerificationRequest gkmCache(Map<String, String> labels, String image) {
        return VerificationRequest.of("it", "GKMCache", "team-a", "vector-add-cache-rocm", labels, image);
    }

    private static io.gkm.verifier.sandbox.SignatureFormat format(Map<String, String> labels) {
        return labels.equals(V2) ? io.gkm.verifier.sandbox.SignatureFormat.COSIGN_V2
                : io.gkm.verifier.sandbox.SignatureFormat.SIGSTORE_BUNDLE;
    }

    private static Signing signer(Map<String, String> labels) {
        return Signing.keyless(labels.equals(V2) ? SeedPolicies.V2_SIGNER : SeedPolicies.V3_SIGNER);
    }

    private static String policyType(io.gkm.verifier.sandbox.SignatureFormat format) {
        return format == io.gkm.verifier.sandbox.SignatureFormat.COSIGN_V2 ? "Cosign" : "SigstoreBundle";
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(V2, "verify-gkmcache-images-v2", "verify-v2-legacy-images", SignatureFormat.COSIGN_V2),
                Arguments.of(V3, "verify-gkmcache-images-v3", "verify-v3-bundle-images", SignatureFormat.COSIGN_V3));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("formats")
    void theSeedPolicyVerifiesTheGkmExampleImageSignedInItsFormat(Map<String, String> labels, String policy,
            String rule, SignatureFormat format, OciRegistry registry) {
        Pushed image = pushExample(registry);
        AttachedSignature signature = imageSigner(registry)
                .sign(format(labels), image.repository(), image.digest().toString(), signer(labels));
        RegistryClient client = RegistryClient.builder().build();

        VerificationResult result = verifier(client).verify(gkmCache(labels, image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getPolicyName()).isEqualTo(policy);
        assertThat(result.getRuleName()).isEqualTo(rule);
        assertThat(result.getSignatureFormat()).isEqualTo(format);
        assertThat(result.getImage()).isEqualTo(image.reference());
        assertThat(result.getImageDigest()).isEqualTo(image.digest().toString());
        assertThat(result.getSignerIssuer()).isEqualTo(signer(labels).identity().orElseThrow().issuer());
        assertThat(result.getSignerSubject()).isEqualTo(signer(labels).identity().orElseThrow().subject());
        assertThat(result.getTlogIndex()).isEqualTo(signature.rekorEntry().logIndex());
        assertThat(result.getIntegratedTime()).isEqualTo(signature.rekorEntry().integratedTime());
        assertThat(result.getCacheTargets()).containsExactly(new CacheTarget("hip", "gfx90a", 64));
        assertThat(result.getCacheSizeBytes()).isEqualTo(80415L);
        assertThat(result.getCacheEntryCount()).isEqualTo(1);
        assertThat(result.getReasons().get(0)).contains("1 of 1 entries verified").contains("signer identity matched");
        assertThat(result.getReasons()).contains("digest " + image.digest() + " resolved from tag "
                + "vector-add-cache-rocm (the digest to pin)");
        assertThat(result.getTimings()).containsKeys("policy", "resolve", "config", "signatures", "trust", "verify",
                "total");
    }

    /**
     * Registry requests of one cold verification (a new client: no auth or Referrers API probe
     * cached) beyond the image manifest: the config blob, then cosign v2: the .sig manifest and
     * its layer; cosign v3: the Referrers API probe (404 on this registry), the referrers tag
     * index, the referrer manifest and the bundle blob. The same client again asks only what can
     * change: the manifest by tag and the .sig manifest or the referrers tag index; the rest is
     * content by digest it already holds.
     */
    @ParameterizedTest(name = "{3}")
    @MethodSource("formats")
    void aColdVerificationMakesThisManyRegistryRequests(Map<String, String> labels, String policy, String rule,
            SignatureFormat format, OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(labels), image.repository(), image.digest().toString(),
                signer(labels));
        RegistryClient client = RegistryClient.builder().build();

        VerificationResult result = verifier(client).verify(gkmCache(labels, image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.VERIFIED);
        long beyondManifest = client.requestCount() - 1;
        System.out.printf("registry requests per cold %s verification: 1 manifest + %d (config 1, signatures %d)%n",
                format, beyondManifest, beyondManifest - 1);
        assertThat(beyondManifest).isEqualTo(format == SignatureFormat.COSIGN_V2 ? 3 : 5);
        long warm = client.requestCount();
        VerificationResult again = verifier(client).verify(gkmCache(labels, image.reference()));
        assertThat(again.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(again.getCacheTargets()).isEqualTo(result.getCacheTargets()).isNotEmpty();
        assertThat(client.requestCount() - warm).as("the same client again: manifest by tag and signature list only")
                .isEqualTo(2);
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("formats")
    void collectedEvidenceIsDecidedAgainWithoutTheRegistryToTheSameVerdict(Map<String, String> labels, String policy,
            String rule, SignatureFormat format, OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(labels), image.repository(), image.digest().toString(), signer(labels));
        RegistryClient client = RegistryClient.builder().build();
        Verifier verifier = verifier(client);

        Verifier.Evidence evidence = verifier.collect(gkmCache(labels, image.reference()));
        long collected = client.requestCount();
        VerificationResult first = verifier.decide(evidence);
        VerificationResult second = verifier.decide(evidence);

        assertThat(client.requestCount()).as("deciding asks the registry nothing").isEqualTo(collected);
        assertThat(first.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(second.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(second.getReasons()).isEqualTo(first.getReasons());
        assertThat(second.getTimings()).containsKeys("policy", "resolve", "config", "signatures", "verify", "total");
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("formats")
    void anImageSignedInTheOtherFormatThanItsLabelSaysIsRejectedWithNoSignaturesFound(Map<String, String> labels,
            String policy, String rule, SignatureFormat format, OciRegistry registry) {
        Pushed image = pushExample(registry);
        Map<String, String> other = labels.equals(V2) ? V3 : V2;
        imageSigner(registry).sign(format(other), image.repository(), image.digest().toString(),
                signer(other));

        VerificationResult result = verifier(RegistryClient.builder().build()).verify(gkmCache(labels, image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getPolicyName()).isEqualTo(policy);
        assertThat(result.getReasons().get(0)).startsWith("no signatures found: ")
                .endsWith("label the resource gkm.io/signature-format: " + other.get(
                        VerdictDecision.SIGNATURE_FORMAT_LABEL) + " so that the policy for that format verifies it");
    }

    static Stream<Arguments> defects() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (Map<String, String> labels : List.of(V2, V3)) {
            for (SignatureDefect defect : SignatureDefect.values()) {
                cases.add(Arguments.of(labels.values().iterator().next(), defect, failedCheck(defect)));
            }
        }
        return cases.build();
    }

    /** The words of the check a defect must fail: a {@link Check} label, or the identity criterion. */
    private static String failedCheck(SignatureDefect defect) {
        return switch (defect) {
            case WRONG_SUBJECT -> "verified, but subject mismatch";
            case WRONG_ISSUER -> "verified, but issuer mismatch";
            case EXPIRED_CERTIFICATE, INTEGRATED_TIME_OUTSIDE_VALIDITY -> Check.SIGNING_TIME.label() + " check failed";
            case TAMPERED_PAYLOAD -> Check.SIGNATURE.label() + " check failed";
            case WRONG_SUBJECT_DIGEST -> Check.IMAGE_DIGEST.label() + " check failed";
            case UNTRUSTED_CA -> Check.CERTIFICATE_CHAIN.label() + " check failed";
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("defects")
    void everySignatureDefectIsRejectedWithAReasonNamingTheFailedCheck(String label, SignatureDefect defect,
            String check, OciRegistry registry) {
        Map<String, String> labels = Map.of(VerdictDecision.SIGNATURE_FORMAT_LABEL, label);
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(labels), image.repository(), image.digest().toString(),
                signer(labels).with(defect));

        VerificationResult result = verifier(RegistryClient.builder().build()).verify(gkmCache(labels, image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith("attestors not satisfied: ")
                .contains("entries[0]: no signature verified: signature sha256:").contains(check);
        assertThat(result.getSignerSubject()).isNull();
    }

    @Test
    void aTagMovedToAnotherImageAfterPinningIsRejectedNamingBothDigests(OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(V2), image.repository(), image.digest().toString(), signer(V2));
        String pinned = image.reference() + "@" + image.digest();
        Verifier verifier = verifier(RegistryClient.builder().build());
        assertThat(verifier.verify(gkmCache(V2, pinned)).getReasons())
                .contains("digest double-check passed: tag vector-add-cache-rocm still resolves to the pinned "
                        + image.digest());

        Digest moved = McvImageBuilder.create().kernel("other_kernel", new McvLabels.Target("hip", "gfx942", 64))
                .build().push(RegistryClient.builder().build(), ImageReference.parse(image.reference())).digest();
        VerificationResult result = verifier.verify(gkmCache(V2, pinned));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith("digest double-check failed: tag vector-add-cache-rocm of "
                + registry.hostPort() + "/" + image.repository() + " now resolves to " + moved
                + ", but spec.image pins " + image.digest());
        assertThat(result.getImageDigest()).isEqualTo(image.digest().toString());
    }

    @Test
    void aDigestPinnedWithoutTagIsDoubleCheckedAgainstTheOriginalTag(OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(V3), image.repository(), image.digest().toString(), signer(V3));
        String pinned = registry.hostPort() + "/" + image.repository() + "@" + image.digest();
        McvImageBuilder.create().build().push(RegistryClient.builder().build(), ImageReference.parse(image.reference()));
        Verifier verifier = verifier(RegistryClient.builder().build());

        VerificationResult withoutTag = verifier.verify(gkmCache(V3, pinned));
        VerificationResult withOriginalTag = verifier.verify(gkmCache(V3, pinned)
                .withOriginalTag("vector-add-cache-rocm"));

        assertThat(withoutTag.getVerdict()).isEqualTo(Verdict.VERIFIED);
        assertThat(withoutTag.getReasons()).contains("digest " + image.digest()
                + " pinned by spec.image; no tag known, so no digest double-check");
        assertThat(withOriginalTag.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(withOriginalTag.getReasons().get(0)).startsWith("digest double-check failed: tag "
                + "vector-add-cache-rocm");
    }

    @Test
    void anUnreachableRegistryIsAnErrorNotARejection() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RegistryClient client = RegistryClient.builder()
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO)).build();

        VerificationResult result = verifier(client).verify(gkmCache(V2, "127.0.0.1:" + closedPort + "/gkm/cache:rocm"));

        assertThat(result.getVerdict()).isEqualTo(Verdict.ERROR);
        assertThat(result.getReasons().get(0)).startsWith("registry unavailable, the image could not be checked "
                + "(retriable): ");
        assertThat(result.getImageDigest()).isNull();
    }

    @Test
    void anImageThatDoesNotExistIsRejectedWithTheRegistryReason(OciRegistry registry) {
        String missing = registry.hostPort() + "/" + registry.uniqueRepository("gkm/missing") + ":rocm";

        VerificationResult result = verifier(RegistryClient.builder().build()).verify(gkmCache(V3, missing));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith("registry: fetch manifest ").contains("not found");
    }

    @ParameterizedTest
    @EnumSource(value = SignatureFormat.class, names = {"COSIGN_V2", "COSIGN_V3"})
    void anUnsignedImageIsRejectedWithNoSignaturesFound(SignatureFormat format, OciRegistry registry) {
        Pushed image = pushExample(registry);

        VerificationResult result = verifier(RegistryClient.builder().build())
                .verify(gkmCache(format == SignatureFormat.COSIGN_V2 ? V2 : V3, image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith("no signatures found: ").endsWith(", and there are none");
    }

    @Test
    void aGkmCacheWithoutTheSignatureFormatLabelIsRejectedWithoutAskingTheRegistry(OciRegistry registry) {
        Pushed image = pushExample(registry);
        RegistryClient client = RegistryClient.builder().build();

        VerificationResult result = verifier(client).verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).startsWith(
                "no policy selects this resource: label gkm.io/signature-format missing");
        assertThat(client.requestCount()).isZero();
    }

    @Test
    void aClusterGkmCacheIsVerifiedWithTheClusterPolicy(OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(io.gkm.verifier.sandbox.SignatureFormat.COSIGN_V2, image.repository(),
                image.digest().toString(), Signing.keyless(SeedPolicies.CLUSTER_SIGNER));

        VerificationResult result = verifier(RegistryClient.builder().build()).verify(VerificationRequest.of("it",
                "ClusterGKMCache", null, "vector-add-cache-rocm", Map.of(), image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getPolicyName()).isEqualTo("verify-clustergkmcache-images");
        assertThat(result.getResourceKey()).isEqualTo("it/_cluster/ClusterGKMCache/vector-add-cache-rocm");
        assertThat(result.getSignerSubject()).isEqualTo(SeedPolicies.CLUSTER_SIGNER.subject());
    }

    @ParameterizedTest
    @EnumSource(io.gkm.verifier.sandbox.SignatureFormat.class)
    void aKeyedSignatureVerifiesWithThePolicysPublicKeyAndItsRekorEntry(
            io.gkm.verifier.sandbox.SignatureFormat format, OciRegistry registry) throws Exception {
        Pushed image = pushExample(registry);
        AttachedSignature signature = imageSigner(registry)
                .sign(format, image.repository(), image.digest().toString(), Signing.keyed());
        String policy = TestPolicy.keyed(sigstore.signingPublicKeyPem(), Optional.empty(), false)
                .replace("imageReferences: [\"*\"]", "imageReferences: [\"*\"]\n          type: " + policyType(format));

        VerificationResult result = verifier(RegistryClient.builder().build(), PolicyLoader.parse(policy, "keyed.yaml"))
                .verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getTlogIndex()).isEqualTo(signature.rekorEntry().logIndex());
        assertThat(result.getSignerIssuer()).isNull();
        assertThat(result.getReasons().get(0)).contains("signed with the given key");
    }

    @Test
    void aKeyedEntryThatIgnoresTheTlogNeedsNoTrustRoot(OciRegistry registry) throws Exception {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(io.gkm.verifier.sandbox.SignatureFormat.COSIGN_V2, image.repository(),
                image.digest().toString(), Signing.keyed());
        Verifier withoutTrustRoot = Verifier.builder()
                .policies(PolicyLoader.parse(TestPolicy.keyed(sigstore.signingPublicKeyPem(), Optional.empty(), true),
                        "keyed.yaml"))
                .registry(RegistryClient.builder().build())
                .build();

        VerificationResult result = withoutTrustRoot.verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getTlogIndex()).isNull();
        assertThat(result.getTimings()).doesNotContainKey("trust");
    }

    @ParameterizedTest
    @EnumSource(io.gkm.verifier.sandbox.SignatureFormat.class)
    void aKeylessEntryWithItsOwnRootsRekorKeyAndCtKeyNeedsNoConfiguredTrustRoot(
            io.gkm.verifier.sandbox.SignatureFormat format, OciRegistry registry) throws Exception {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format, image.repository(), image.digest().toString(), signer(V3));
        String policy = TestPolicy.keylessWithOwnTrust(policyType(format), SeedPolicies.V3_SIGNER.issuer(),
                SeedPolicies.V3_SIGNER.subject(), sigstore.fulcio().chain().stream().map(TestPolicy::pem)
                        .collect(Collectors.joining()),
                TestPolicy.pem(sigstore.rekor().publicKey()), TestPolicy.pem(sigstore.ctLog().publicKey()));
        Verifier withoutTrustRoot = Verifier.builder().policies(PolicyLoader.parse(policy, "own-trust.yaml"))
                .registry(RegistryClient.builder().build()).build();

        VerificationResult result = withoutTrustRoot.verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getSignerSubject()).isEqualTo(SeedPolicies.V3_SIGNER.subject());
        assertThat(result.getTimings()).doesNotContainKey("trust");
    }

    @Test
    void anEntrysOwnRootsReplaceTheConfiguredOnesSoACaOnlyTheTrustedRootListsIsRejected(OciRegistry registry)
            throws Exception {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(V3), image.repository(), image.digest().toString(), signer(V3));
        SandboxSigstore other = SandboxSigstore.create();
        String policy = TestPolicy.keylessWithOwnTrust("SigstoreBundle", SeedPolicies.V3_SIGNER.issuer(),
                SeedPolicies.V3_SIGNER.subject(), other.fulcio().chain().stream().map(TestPolicy::pem)
                        .collect(Collectors.joining()),
                TestPolicy.pem(sigstore.rekor().publicKey()), TestPolicy.pem(sigstore.ctLog().publicKey()));

        VerificationResult result = verifier(RegistryClient.builder().build(), PolicyLoader.parse(policy, "roots.yaml"))
                .verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(result.getReasons().get(0)).contains(Check.CERTIFICATE_CHAIN.label() + " check failed")
                .contains(".keyless.roots");
    }

    @ParameterizedTest
    @EnumSource(io.gkm.verifier.sandbox.SignatureFormat.class)
    void aKeyedEntryWithItsOwnRekorKeyNeedsNoConfiguredTrustRoot(io.gkm.verifier.sandbox.SignatureFormat format,
            OciRegistry registry) throws Exception {
        Pushed image = pushExample(registry);
        AttachedSignature signature = imageSigner(registry)
                .sign(format, image.repository(), image.digest().toString(), Signing.keyed());
        String policy = TestPolicy.keyedWithOwnRekorKey(policyType(format), sigstore.signingPublicKeyPem(),
                TestPolicy.pem(sigstore.rekor().publicKey()));
        Verifier withoutTrustRoot = Verifier.builder().policies(PolicyLoader.parse(policy, "own-rekor.yaml"))
                .registry(RegistryClient.builder().build()).build();

        VerificationResult result = withoutTrustRoot.verify(gkmCache(Map.of(), image.reference()));

        assertThat(result.getVerdict()).as("%s", result.getReasons()).isEqualTo(Verdict.VERIFIED);
        assertThat(result.getTlogIndex()).isEqualTo(signature.rekorEntry().logIndex());
    }

    @Test
    void aKeylessEntryWithoutAnyTrustRootIsAnErrorThatSaysHowToProvideOne(OciRegistry registry) {
        Pushed image = pushExample(registry);
        imageSigner(registry).sign(format(V3), image.repository(), image.digest().toString(), signer(V3));
        Verifier withoutTrustRoot = Verifier.builder().policies(seedPolicies)
                .registry(RegistryClient.builder().build()).build();

        VerificationResult result = withoutTrustRoot.verify(gkmCache(V3, image.reference()));

        assertThat(result.getVerdict()).isEqualTo(Verdict.ERROR);
        assertThat(result.getReasons().get(0)).startsWith("no Sigstore trust root: set GKM_TRUSTED_ROOT (or "
                + "--trusted-root) to a trusted_root.json (air-gapped), or allow access to the public-good TUF "
                + "repository");
    }

    @Test
    void theTrustRootIsLoadedOnlyWhenAnEntryNeedsIt(OciRegistry registry, @TempDir Path dir) {
        Pushed image = pushExample(registry);
        Verifier verifier = Verifier.builder().policies(seedPolicies)
                .trustRoot(TrustRootSource.file(dir.resolve("absent.json")))
                .registry(RegistryClient.builder().build()).build();

        VerificationResult unsigned = verifier.verify(gkmCache(V2, image.reference()));
        imageSigner(registry).sign(format(V2), image.repository(), image.digest().toString(), signer(V2));
        VerificationResult signed = verifier.verify(gkmCache(V2, image.reference()));

        assertThat(unsigned.getVerdict()).isEqualTo(Verdict.REJECTED);
        assertThat(signed.getVerdict()).isEqualTo(Verdict.ERROR);
        assertThat(signed.getReasons().get(0)).startsWith("no usable Sigstore trust root: GKM_TRUSTED_ROOT "
                + "(--trusted-root) is " + dir.resolve("absent.json") + ": cannot read trusted root");
    }
}
