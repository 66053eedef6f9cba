package io.gkm.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.testkit.Fixtures;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.sandbox.AttachedSignature;
import io.gkm.verifier.sandbox.ImageSigner;
import io.gkm.verifier.sandbox.SignatureDefect;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.bundle.SigstoreBundleVerifier;
import io.gkm.verifier.cosign.CosignVerifier;
import io.gkm.verifier.cosign.SignatureLayer;
import io.gkm.verifier.identity.IdentityCriterion;
import io.gkm.verifier.identity.IdentityMatch;
import io.gkm.verifier.identity.IdentityMatcher;
import io.gkm.verifier.identity.IdentityRequirement;
import io.gkm.verifier.identity.SignerIdentity;
import io.gkm.verifier.oci.ArtifactTypeFilter;
import io.gkm.verifier.oci.Descriptor;
import io.gkm.verifier.oci.Manifest;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.MediaTypes;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.Referrers;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistryLimit;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SignerFacts;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.TrustRoot;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sandbox {@link SandboxSigstore} round-trips through the product: the MCV sample image,
 * pushed to the real registry and signed in both formats, keyless and keyed, is fetched with
 * {@link RegistryClient} and VERIFIED by {@link CosignVerifier} / {@link SigstoreBundleVerifier}
 * against the test Sigstore's {@code trusted_root.json}; every {@link SignatureDefect} is
 * REJECTED for exactly its reason. So the test kit makes what the product checks, and the
 * product checks what the test kit plants.
 */
@WithOciRegistry
class SandboxSigstoreRoundTripIT {
    /** A CI workflow, the identity the seed's v2 policy asks for (issuer and subjectRegExp). */
    private static final SigningIdentity WORKFLOW = SigningIdentity.uri(
            "https://github.com/gkm/caches/.github/workflows/build.yaml@refs/heads/main",
            "https://token.actions.githubusercontent.com");
    /** A person, the identity the seed's v3 policy asks for (issuer and subject). */
    private static final SigningIdentity PERSON = SigningIdentity.email("mtahhan@redhat.com",
            "https://github.com/login/oauth");

    private static final String GKM_IMAGE = "gkm/mcv/example/vector-add-cache-rocm.tar";

    private static SandboxSigstore sigstore;
    private static TrustRoot trustRoot;

    private final RegistryClient client = RegistryClient.builder().build();

    @BeforeAll
    static void createSigstore(@TempDir Path dir) throws Exception {
        sigstore = SandboxSigstore.create();
        trustRoot = TrustRoot.fromFile(sigstore.writeTrustedRoot(dir.resolve("trusted_root.json")));
    }

    @Test
    void trustedRootLoadsWithTheTestCaRekorAndCtLog() {
        assertThat(trustRoot.toString()).endsWith(": 1 CAs, 1 Rekor keys, 1 CT keys, 0 TSAs]");
    }

    @Test
    void embeddedSctOfATestCertificateVerifiesWithTheTrustedCtLog() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate leaf = sigstore.fulcio().issue(PERSON, generator.generateKeyPair().getPublic(), now,
                now.plusSeconds(600));

        List<X509Certificate> path = trustRoot.verifyCertificateChain(leaf, List.of(), now.plusSeconds(1));
        trustRoot.verifySct(path);

        assertThat(path).containsExactly(leaf, sigstore.fulcio().intermediateCertificate(),
                sigstore.fulcio().rootCertificate());
    }

    @ParameterizedTest
    @MethodSource("formatsAndIdentities")
    void keylessSignatureOfTheMcvImageVerifiesWithItsIdentity(SignatureFormat format, SigningIdentity identity,
                                                              OciRegistry registry) {
        PushedImage image = pushMcvImage(registry);
        AttachedSignature attached = signer(registry).sign(format, image.repository(), image.digest().toString(),
                Signing.keyless(identity));

        List<SignatureVerdict> verdicts = verify(format, image, true);

        assertThat(verdicts).hasSize(1);
        SignerFacts facts = verified(verdicts.get(0));
        assertThat(identityOf(facts)).isEqualTo(new SignerIdentity(identity.issuer(), List.of(identity.subject())));
        assertThat(matches(identity.issuer(), identity.subject(), facts).matched()).isTrue();
        assertLogged(facts, attached);
    }

    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void keyedSignatureVerifiesWithThePublicKeyAndItsLogEntry(SignatureFormat format, OciRegistry registry) {
        PushedImage image = pushMcvImage(registry);
        AttachedSignature attached = signer(registry).sign(format, image.repository(), image.digest().toString(),
                Signing.keyed());

        List<SignatureVerdict> verdicts = verify(format, image, false);

        SignerFacts facts = verified(verdicts.get(0));
        assertThat(facts.certificate()).isEmpty();
        assertLogged(facts, attached);
    }

    @Test
    void keylessAndKeyedV2SignaturesOfOneImageAreTwoLayersOfItsSigManifest(OciRegistry registry) {
        PushedImage image = pushMcvImage(registry);
        ImageSigner signer = signer(registry);
        signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest().toString(), Signing.keyless(WORKFLOW));
        signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest().toString(), Signing.keyed());

        List<SignatureVerdict> keyless = verifyCosignV2(image, keylessCosign());
        List<SignatureVerdict> keyed = verifyCosignV2(image, keyedCosign());

        assertThat(keyless).extracting(SignatureVerdict::isVerified).containsExactly(true, false);
        assertThat(keyed).extracting(SignatureVerdict::isVerified).containsExactly(false, true);
        assertThat(keyless.get(1).failedCheck()).as(keyless.get(1).reason()).contains(Check.KEY);
        assertThat(keyed.get(0).failedCheck()).as(keyed.get(0).reason()).contains(Check.SIGNATURE);
    }

    @Test
    void twoBundlesOfOneImageAreTwoEntriesOfItsReferrersTagIndex(OciRegistry registry) {
        PushedImage image = pushMcvImage(registry);
        ImageSigner signer = signer(registry);
        AttachedSignature first = signer.sign(SignatureFormat.SIGSTORE_BUNDLE, image.repository(),
                image.digest().toString(), Signing.keyless(PERSON));
        AttachedSignature second = signer.sign(SignatureFormat.SIGSTORE_BUNDLE, image.repository(),
                image.digest().toString(), Signing.keyless(WORKFLOW));

        Referrers referrers = referrers(image);
        List<SignatureVerdict> verdicts = verifyBundles(image, keylessBundles());

        assertThat(referrers.descriptors()).extracting(d -> d.digest().toString())
                .containsExactly(first.manifestDigest(), second.manifestDigest());
        assertThat(verdicts).allSatisfy(v -> assertThat(v.isVerified()).as(v.reason()).isTrue());
        assertThat(verdicts).extracting(v -> identityOf(v.facts().orElseThrow()).subjectAlternativeNames().get(0))
                .containsExactly(PERSON.subject(), WORKFLOW.subject());
    }

    /** GKM's example image as skopeo pushes it (a Docker schema 2 manifest), signed either way, keyless and keyed. */
    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void gkmExampleImagePushedBySkopeoVerifiesSignedEitherWay(SignatureFormat format, OciRegistry registry) {
        String repository = registry.uniqueRepository("gkm/vector-add-cache-rocm");
        registry.pushDockerArchive(Fixtures.path(GKM_IMAGE), repository, "rocm");
        Digest digest = client.resolve(ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm"));
        PushedImage image = new PushedImage(registry.hostPort(), repository, "rocm", digest);

        signer(registry).sign(format, repository, digest.toString(), Signing.keyless(WORKFLOW));
        SignatureVerdict keyless = verifyOnlySignature(image, format, true);

        assertThat(client.fetchManifest(image.byDigest()).mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(identityOf(verified(keyless)).subjectAlternativeNames()).containsExactly(WORKFLOW.subject());
    }

    /** Every cryptographic defect, keyless, in both formats: REJECTED, and the reason names the check. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("keylessRejections")
    void keylessDefectIsRejectedForExactlyItsReason(SignatureFormat format, SignatureDefect defect, Check expected,
            String detail, OciRegistry registry) {
        SignatureVerdict verdict = signAndVerify(registry, format, Signing.keyless(WORKFLOW).with(defect), true);

        assertRejected(verdict, expected, detail);
    }

    /** The defects a keyed signature can have: REJECTED for the same reasons as keyless. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("keyedRejections")
    void keyedDefectIsRejectedForExactlyItsReason(SignatureFormat format, SignatureDefect defect, Check expected,
            String detail, OciRegistry registry) {
        SignatureVerdict verdict = signAndVerify(registry, format, Signing.keyed().with(defect), false);

        assertRejected(verdict, expected, detail);
    }

    /**
     * A certificate for someone else passes every cryptographic check, as it should: it is a
     * real signature, just not by the signer the policy names. Kyverno-style matching rejects it.
     */
    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void wrongSubjectVerifiesButFailsTheSubjectGlobAndRegExp(SignatureFormat format, OciRegistry registry) {
        SignatureVerdict verdict = signAndVerify(registry, format, Signing.keyless(WORKFLOW)
                .with(SignatureDefect.WRONG_SUBJECT), true);

        SignerFacts facts = verified(verdict);
        IdentityMatch glob = matches(WORKFLOW.issuer(), WORKFLOW.subject(), facts);
        IdentityMatch seedV2 = IdentityMatcher.match(IdentityRequirement.of(WORKFLOW.issuer(), null, null,
                "https://github.com/.*"), identityOf(facts));

        assertMismatch(glob, IdentityCriterion.SUBJECT, SignatureDefect.INTRUDER_URI);
        assertMismatch(seedV2, IdentityCriterion.SUBJECT_REGEXP, SignatureDefect.INTRUDER_URI);
    }

    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void wrongIssuerVerifiesButFailsTheIssuerGlob(SignatureFormat format, OciRegistry registry) {
        SignatureVerdict verdict = signAndVerify(registry, format, Signing.keyless(PERSON)
                .with(SignatureDefect.WRONG_ISSUER), true);

        SignerFacts facts = verified(verdict);
        IdentityMatch match = matches(PERSON.issuer(), PERSON.subject(), facts);

        assertMismatch(match, IdentityCriterion.ISSUER, SignatureDefect.INTRUDER_ISSUER);
        assertThat(identityOf(facts).subjectAlternativeNames()).containsExactly(PERSON.subject());
    }

    static Stream<Arguments> formatsAndIdentities() {
        return Stream.of(SignatureFormat.values()).flatMap(format -> Stream.of(WORKFLOW, PERSON)
                .map(identity -> Arguments.of(format, identity)));
    }

    static Stream<Arguments> keylessRejections() {
        List<Arguments> cases = new ArrayList<>();
        for (SignatureFormat format : SignatureFormat.values()) {
            cases.add(Arguments.of(format, SignatureDefect.EXPIRED_CERTIFICATE, Check.SIGNING_TIME,
                    "outside certificate validity"));
            cases.add(Arguments.of(format, SignatureDefect.INTEGRATED_TIME_OUTSIDE_VALIDITY, Check.SIGNING_TIME,
                    "outside certificate validity"));
            cases.add(Arguments.of(format, SignatureDefect.TAMPERED_PAYLOAD, Check.SIGNATURE, "does not verify"));
            cases.add(Arguments.of(format, SignatureDefect.WRONG_SUBJECT_DIGEST, Check.IMAGE_DIGEST,
                    format == SignatureFormat.COSIGN_V2 ? "does not match image digest" : "do not include the image"));
            cases.add(Arguments.of(format, SignatureDefect.UNTRUSTED_CA, Check.CERTIFICATE_CHAIN,
                    "does not chain to a trusted Fulcio root"));
        }
        return cases.stream();
    }

    static Stream<Arguments> keyedRejections() {
        return keylessRejections().filter(a -> !((SignatureDefect) a.get()[1]).needsCertificate());
    }

    // ---------------------------------------------------------------------------------------------

    /** Pushes the MCV sample image, signs it once with {@code signing}, and verifies its only signature. */
    private SignatureVerdict signAndVerify(OciRegistry registry, SignatureFormat format, Signing signing,
            boolean keyless) {
        PushedImage image = pushMcvImage(registry);
        signer(registry).sign(format, image.repository(), image.digest().toString(), signing);
        return verifyOnlySignature(image, format, keyless);
    }

    private SignatureVerdict verifyOnlySignature(PushedImage image, SignatureFormat format, boolean keyless) {
        List<SignatureVerdict> verdicts = switch (format) {
            case COSIGN_V2 -> verifyCosignV2(image, keyless ? keylessCosign() : keyedCosign());
            case SIGSTORE_BUNDLE -> verifyBundles(image, keyless ? keylessBundles() : keyedBundles());
        };
        assertThat(verdicts).hasSize(1);
        return verdicts.get(0);
    }

    private PushedImage pushMcvImage(OciRegistry registry) {
        String repository = registry.uniqueRepository("gkm/signed-cache");
        return McvImageBuilder.create().build().push(client,
                ImageReference.parse(registry.hostPort() + "/" + repository + ":rocm"));
    }

    private static ImageSigner signer(OciRegistry registry) {
        return sigstore.imageSigner(RegistryClient.builder().build(), registry.hostPort());
    }

    /** Every layer of the image's {@code .sig} manifest, as the product fetches and checks them. */
    /** The image's signatures in {@code format}, verified keyless (against the trust root) or keyed. */
    private List<SignatureVerdict> verify(SignatureFormat format, PushedImage image, boolean keyless) {
        return switch (format) {
            case COSIGN_V2 -> verifyCosignV2(image, keyless ? keylessCosign() : keyedCosign());
            case SIGSTORE_BUNDLE -> verifyBundles(image, keyless ? keylessBundles() : keyedBundles());
        };
    }

    private List<SignatureVerdict> verifyCosignV2(PushedImage image, CosignVerifier verifier) {
        Manifest signatures = client.signatureManifest(image.byTag(), image.digest()).orElseThrow();
        List<SignatureLayer> layers = new ArrayList<>();
        for (Descriptor layer : signatures.layers()) {
            byte[] payload = client.fetchBlob(image.byTag(), layer, RegistryLimit.SIGNATURE_LAYER_BYTES);
            layers.add(new SignatureLayer(layer.mediaType(), payload, layer.annotations()));
        }
        return verifier.verify(image.digest().toString(), layers);
    }

    /** Every bundle referrer of the image, found through the tag index (Debian's registry has no Referrers API). */
    private List<SignatureVerdict> verifyBundles(PushedImage image, SigstoreBundleVerifier verifier) {
        List<SignatureVerdict> verdicts = new ArrayList<>();
        for (Descriptor referrer : referrers(image).descriptors()) {
            Manifest manifest = client.fetchReferrer(image.byTag(), image.digest(), referrer);
            assertThat(manifest.artifactType()).isEqualTo(MediaTypes.SIGSTORE_BUNDLE_V03);
            assertThat(manifest.layers()).hasSize(1);
            byte[] bundle = client.fetchBlob(image.byTag(), manifest.layers().get(0), RegistryLimit.BUNDLE_BYTES);
            verdicts.add(verifier.verifyImage(bundle, image.digest().toString()));
        }
        return verdicts;
    }

    private Referrers referrers(PushedImage image) {
        Referrers referrers = client.referrers(image.byTag(), image.digest(),
                ArtifactTypeFilter.exactly(MediaTypes.SIGSTORE_BUNDLE_V03));
        assertThat(referrers.source()).isEqualTo(Referrers.Source.TAG_SCHEMA);
        return referrers;
    }

    private static CosignVerifier keylessCosign() {
        return CosignVerifier.builder().trustRoot(trustRoot).build();
    }

    private static CosignVerifier keyedCosign() {
        return CosignVerifier.builder().trustRoot(trustRoot).publicKey(sigstore.signingKey().getPublic()).build();
    }

    private static SigstoreBundleVerifier keylessBundles() {
        return SigstoreBundleVerifier.builder().trustRoot(trustRoot).build();
    }

    private static SigstoreBundleVerifier keyedBundles() {
        return SigstoreBundleVerifier.builder().trustRoot(trustRoot).publicKey(sigstore.signingKey().getPublic()).build();
    }

    private static SignerFacts verified(SignatureVerdict verdict) {
        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        return verdict.facts().orElseThrow();
    }

    private static void assertRejected(SignatureVerdict verdict, Check expected, String detail) {
        assertThat(verdict.isVerified()).as(verdict.reason()).isFalse();
        assertThat(verdict.failedCheck()).as(verdict.reason()).contains(expected);
        assertThat(verdict.reason()).startsWith(expected.label() + " check failed: ").contains(detail);
    }

    private static void assertLogged(SignerFacts facts, AttachedSignature attached) {
        assertThat(facts.tlogEntry()).hasValueSatisfying(entry -> {
            assertThat(entry.logIndex()).isEqualTo(attached.rekorEntry().logIndex());
            assertThat(entry.integratedTime()).isEqualTo(attached.rekorEntry().integratedTime());
            assertThat(entry.logId()).isEqualTo(attached.rekorEntry().logIdHex());
        });
    }

    private static SignerIdentity identityOf(SignerFacts facts) {
        SigningCertificate certificate = facts.certificate().orElseThrow();
        return new SignerIdentity(certificate.issuer().orElse(""), certificate.subjectAlternativeNames());
    }

    /** A keyless attestor with {@code issuer} and {@code subject} globs, as Kyverno's policies write it. */
    private static IdentityMatch matches(String issuer, String subject, SignerFacts facts) {
        return IdentityMatcher.match(IdentityRequirement.of(issuer, null, subject, null), identityOf(facts));
    }

    private static void assertMismatch(IdentityMatch match, IdentityCriterion criterion, String actual) {
        assertThat(match).isInstanceOfSatisfying(IdentityMatch.Mismatch.class, mismatch -> {
            assertThat(mismatch.criterion()).isEqualTo(criterion);
            assertThat(mismatch.actual()).isEqualTo(actual);
        });
        assertThat(match.reason()).contains(criterion.policyField()).contains(actual);
    }
}
