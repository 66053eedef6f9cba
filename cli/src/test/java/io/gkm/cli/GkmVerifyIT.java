package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.ImageReference;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.sandbox.AttachedSignature;
import io.gkm.verifier.sandbox.SignatureDefect;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code gkm verify} in process, end to end: the seed policies with the test CA's identities,
 * the GKM example image in the real local registry, signed by the test Sigstore.
 */
@WithOciRegistry
class GkmVerifyIT {
    private static final String LABEL = "gkm.io/signature-format";
    private static final SigningIdentity V2_SIGNER = SigningIdentity.uri(
            "https://ci.gkm.test/caches/.github/workflows/build.yaml@refs/heads/main", "https://ci-oidc.gkm.test");
    private static final SigningIdentity V3_SIGNER = SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SandboxSigstore sigstore;
    private static Path policies;
    private static Path trustedRoot;

    private record Run(int exitCode, String out, String err) {
    }

    private record Pushed(String repository, String reference, String digest) {
    }

    @BeforeAll
    static void writeTrustedRootAndPolicies(@TempDir Path dir) throws IOException {
        sigstore = SandboxSigstore.create();
        trustedRoot = sigstore.writeTrustedRoot(dir.resolve("trusted_root.json"));
        policies = Files.createDirectories(dir.resolve("policies"));
        seedPolicy("gkmcache-policy-v2.yaml",
                "issuer: https://token.actions.githubusercontent.com", "issuer: " + V2_SIGNER.issuer(),
                "subjectRegExp: \"https://github.com/.*\"", "subjectRegExp: \"^https://ci[.]gkm[.]test/caches/.*\"");
        seedPolicy("gkmcache-policy-v3.yaml",
                "issuer: https://github.com/login/oauth", "issuer: " + V3_SIGNER.issuer(),
                "subject: mtahhan@redhat.com", "subject: " + V3_SIGNER.subject());
    }

    /** A seed policy with issuer and subject replaced, written beside the others; the fixture stays as it is. */
    private static void seedPolicy(String file, String... findAndReplace) throws IOException {
        String text = Files.readString(Fixtures.path("gkm/config/kyverno/policies/" + file));
        for (int i = 0; i < findAndReplace.length; i += 2) {
            assertThat(text).as("seed policy %s still holds the text this test edits", file).contains(findAndReplace[i]);
            text = text.replace(findAndReplace[i], findAndReplace[i + 1]);
        }
        Files.writeString(policies.resolve(file), text);
    }

    private static Run gkm(Map<String, String> env, List<String> args) {
        CommandLine commandLine = Gkm.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** {@code gkm verify IMAGE --policies <seed copies> --trusted-root <test root> --label ... [more]}. */
    private static Run verify(String image, String label, String... more) {
        List<String> args = new ArrayList<>(List.of("verify", image, "--policies", policies.toString(),
                "--trusted-root", trustedRoot.toString()));
        if (label != null) {
            args.addAll(List.of("--label", LABEL + "=" + label));
        }
        args.addAll(List.of(more));
        return gkm(Map.of(), args);
    }

    private static Pushed pushExample(OciRegistry registry) {
        String repository = registry.uniqueRepository("gkm/cache-examples");
        registry.pushDockerArchive(Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar"), repository, "rocm");
        return new Pushed(repository, registry.hostPort() + "/" + repository + ":rocm",
                registry.resolve(repository, "rocm").orElseThrow());
    }

    private static AttachedSignature sign(OciRegistry registry, Pushed image, String label, Signing signing) {
        SignatureFormat format = label.equals("cosign-v2") ? SignatureFormat.COSIGN_V2 : SignatureFormat.SIGSTORE_BUNDLE;
        return sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort()).sign(format, image.repository(), image.digest(), signing);
    }

    private static Signing signer(String label) {
        return Signing.keyless(label.equals("cosign-v2") ? V2_SIGNER : V3_SIGNER);
    }

    @ParameterizedTest
    @EnumSource(names = {"COSIGN_V2", "SIGSTORE_BUNDLE"}, value = SignatureFormat.class)
    void verifiesTheGkmExampleImageSignedInTheFormatItsLabelSelectsAndExitsZero(SignatureFormat format,
            OciRegistry registry) {
        String label = format == SignatureFormat.COSIGN_V2 ? "cosign-v2" : "cosign-v3";
        Pushed image = pushExample(registry);
        AttachedSignature signature = sign(registry, image, label, signer(label));

        Run run = verify(image.reference(), label);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).startsWith("VERIFIED " + image.reference() + "\n")
                .contains("  digest:   " + image.digest() + "\n")
                .contains("  signer:   " + signer(label).identity().orElseThrow().subject())
                .contains("  rekor:    log index " + signature.rekorEntry().logIndex())
                .contains("  cache:    hip/gfx90a/warp 64; 1 entries, 80415 bytes")
                .contains("reasons:\n  - attestors: ");
    }

    @Test
    void jsonOutputIsTheVerificationResultWithTheSchemasFieldNames(OciRegistry registry) throws IOException {
        Pushed image = pushExample(registry);
        AttachedSignature signature = sign(registry, image, "cosign-v3", signer("cosign-v3"));

        Run run = verify(image.reference(), "cosign-v3", "--output", "json", "--namespace", "team-a",
                "--name", "vector-add", "--cluster", "east");

        assertThat(run.exitCode()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.path("verdict").asText()).isEqualTo("VERIFIED");
        assertThat(result.path("resourceKey").asText()).isEqualTo("east/team-a/GKMCache/vector-add");
        assertThat(result.path("imageDigest").asText()).isEqualTo(image.digest());
        assertThat(result.path("signatureFormat").asText()).isEqualTo("COSIGN_V3");
        assertThat(result.path("policyName").asText()).isEqualTo("verify-gkmcache-images-v3");
        assertThat(result.path("ruleName").asText()).isEqualTo("verify-v3-bundle-images");
        assertThat(result.path("signerIssuer").asText()).isEqualTo(V3_SIGNER.issuer());
        assertThat(result.path("signerSubject").asText()).isEqualTo(V3_SIGNER.subject());
        assertThat(result.path("tlogIndex").asLong()).isEqualTo(signature.rekorEntry().logIndex());
        assertThat(result.path("integratedTime").asText()).isEqualTo(signature.rekorEntry().integratedTime().toString());
        assertThat(result.path("cacheTargets").toString())
                .isEqualTo("[{\"backend\":\"hip\",\"arch\":\"gfx90a\",\"warpSize\":64}]");
        assertThat(result.path("cacheSizeBytes").asLong()).isEqualTo(80415);
        assertThat(result.path("cacheEntryCount").asInt()).isEqualTo(1);
        assertThat(result.path("timings").has("total")).isTrue();
        assertThat(result.path("verifiedAt").asText()).endsWith("Z");
    }

    @Test
    void anImageSignedInTheOtherFormatIsRejectedWithNoSignaturesFoundAndExitsOne(OciRegistry registry) {
        Pushed image = pushExample(registry);
        sign(registry, image, "cosign-v3", signer("cosign-v3"));

        Run run = verify(image.reference(), "cosign-v2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("REJECTED ").contains("  - no signatures found: ")
                .contains("label the resource gkm.io/signature-format: cosign-v3");
    }

    static Stream<Arguments> defects() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String label : List.of("cosign-v2", "cosign-v3")) {
            for (SignatureDefect defect : SignatureDefect.values()) {
                cases.add(Arguments.of(label, defect, switch (defect) {
                    case WRONG_SUBJECT -> "subject mismatch";
                    case WRONG_ISSUER -> "issuer mismatch";
                    case EXPIRED_CERTIFICATE, INTEGRATED_TIME_OUTSIDE_VALIDITY -> "signing time check failed";
                    case TAMPERED_PAYLOAD -> "signature check failed";
                    case WRONG_SUBJECT_DIGEST -> "image digest check failed";
                    case UNTRUSTED_CA -> "certificate chain check failed";
                }));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("defects")
    void everySignatureDefectIsRejectedNamingTheFailedCheckAndExitsOne(String label, SignatureDefect defect,
            String check, OciRegistry registry) {
        Pushed image = pushExample(registry);
        sign(registry, image, label, signer(label).with(defect));

        Run run = verify(image.reference(), label);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("REJECTED ").contains("  - attestors not satisfied: ").contains(check);
    }

    @Test
    void aTagMovedAfterPinningIsRejectedByTheDigestDoubleCheck(OciRegistry registry) {
        Pushed image = pushExample(registry);
        sign(registry, image, "cosign-v2", signer("cosign-v2"));
        String moved = McvImageBuilder.create().build()
                .push(RegistryClient.builder().build(), ImageReference.parse(image.reference())).digest().toString();

        Run run = verify(image.reference() + "@" + image.digest(), "cosign-v2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("  - digest double-check failed: tag rocm of " + registry.hostPort() + "/"
                + image.repository() + " now resolves to " + moved + ", but spec.image pins " + image.digest());
    }

    @Test
    void anUnreachableRegistryIsAnErrorAndExitsTwo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Run run = verify("127.0.0.1:" + closedPort + "/gkm/cache:rocm", "cosign-v2", "--registry-timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).startsWith("ERROR ").contains("  - registry unavailable, the image could not be checked");
    }

    @Test
    void withoutTrustedRootAndWithoutTufAccessTheErrorSaysHowToProvideARoot(OciRegistry registry,
            @TempDir Path cache) throws IOException {
        Pushed image = pushExample(registry);
        sign(registry, image, "cosign-v3", signer("cosign-v3"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Run run = gkm(Map.of(), List.of("verify", image.reference(), "--policies", policies.toString(),
                "--label", LABEL + "=cosign-v3", "--sigstore-tuf-url", "http://127.0.0.1:" + closedPort,
                "--sigstore-tuf-cache", cache.toString()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).startsWith("ERROR ").contains("  - no Sigstore trust root: set GKM_TRUSTED_ROOT "
                + "(or --trusted-root) to a trusted_root.json (air-gapped), or allow access to the public-good TUF "
                + "repository (http://127.0.0.1:" + closedPort + " failed: ");
    }

    @Test
    void aGkmCacheWithoutTheSignatureFormatLabelIsRejectedBecauseNoPolicySelectsIt(OciRegistry registry) {
        Pushed image = pushExample(registry);

        Run run = verify(image.reference(), null);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("  - no policy selects this resource: label gkm.io/signature-format missing");
    }

    @Test
    void badArgumentsExitTwoWithTheProblem(@TempDir Path dir) throws IOException {
        Path notAPolicy = Files.writeString(dir.resolve("bad.yaml"), "kind: Deployment\n");

        Run missingPolicies = gkm(Map.of(), List.of("verify", "127.0.0.1:5000/gkm/cache:rocm"));
        Run badImage = verify("127.0.0.1:5000/GKM/Cache:rocm", "cosign-v2");
        Run badPolicy = gkm(Map.of(), List.of("verify", "127.0.0.1:5000/gkm/cache:rocm", "--policies",
                notAPolicy.toString()));
        Run namespacedClusterResource = verify("127.0.0.1:5000/gkm/cache:rocm", null, "--kind", "ClusterGKMCache",
                "--namespace", "team-a");
        Run badInsecureRegistry = verify("127.0.0.1:5000/gkm/cache:rocm", "cosign-v2", "--insecure-registry",
                "http://registry.lan");

        assertThat(missingPolicies.exitCode()).isEqualTo(2);
        assertThat(missingPolicies.err()).contains("Missing required option: '--policies=PATH'");
        assertThat(badImage.exitCode()).isEqualTo(2);
        assertThat(badImage.err()).startsWith("gkm verify: ").contains("must be lower case");
        assertThat(badPolicy.exitCode()).isEqualTo(2);
        assertThat(badPolicy.err()).startsWith("gkm verify: ").contains(notAPolicy.toString());
        assertThat(namespacedClusterResource.exitCode()).isEqualTo(2);
        assertThat(namespacedClusterResource.err()).contains("a ClusterGKMCache is cluster-scoped: drop --namespace");
        assertThat(badInsecureRegistry.exitCode()).isEqualTo(2);
        assertThat(badInsecureRegistry.err()).contains("--insecure-registry: expected comma-separated registries");
    }

    @Test
    void helpNamesTheExitCodesAndEveryFlag() {
        Run run = gkm(Map.of(), List.of("verify", "--help"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--kind", "--namespace", "--label", "--policies", "--trusted-root",
                "--insecure-registry", "--output", "GKM_TRUSTED_ROOT", "0   VERIFIED", "1   REJECTED", "2   ERROR");
    }
}
