package io.gkm.verifier.cosign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.Pem;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.SigstoreFixtures;
import io.gkm.verifier.trust.TlogEntry;
import io.gkm.verifier.trust.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cosign v2 signatures from containers/image's fixtures (real cosign and skopeo output), each with
 * the outcome the fixtures README gives, and variants of them that an attacker could present.
 */
class CosignVerifierTest {
    private static final String FULCIO_SUBJECT = "mitr@redhat.com";
    private static final String FULCIO_ISSUER = "https://github.com/login/oauth";

    @Test
    void keylessSignatureChainsToFulcioAndItsSetNamesSignerAndLogEntry() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");

        SignatureVerdict verdict = keylessWithPemRoot().verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        SigningCertificate certificate = verdict.facts().orElseThrow().certificate().orElseThrow();
        assertThat(certificate.subject()).contains(FULCIO_SUBJECT);
        assertThat(certificate.issuer()).contains(FULCIO_ISSUER);
        assertThat(certificate.notBefore()).isEqualTo(Instant.parse("2023-01-20T20:51:31Z"));
        assertThat(certificate.notAfter()).isEqualTo(Instant.parse("2023-01-20T21:01:31Z"));
        TlogEntry entry = verdict.facts().orElseThrow().tlogEntry().orElseThrow();
        assertThat(entry.logIndex()).isEqualTo(11605770L);
        assertThat(entry.integratedTime()).isEqualTo(Instant.ofEpochSecond(1674247893L));
        assertThat(entry.logId()).startsWith("c0d23d6a");
    }

    @Test
    void keylessSignatureVerifiesWithItsSctAgainstThePublicGoodTrustedRoot() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(SigstoreFixtures.publicGood()).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        assertThat(verdict.facts().orElseThrow().certificate().orElseThrow().subject()).contains(FULCIO_SUBJECT);
    }

    @Test
    void keySignatureWithRekorSetVerifiesAndNamesTheLogEntry() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-key-rekor-valid");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign2.pub")).trustRoot(rekorOnly()).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        assertThat(verdict.facts().orElseThrow().certificate()).isEmpty();
        assertThat(verdict.facts().orElseThrow().tlogEntry().orElseThrow().logIndex()).isEqualTo(11608800L);
    }

    @Test
    void keySignaturesWithoutRekorVerifyWhenTheTlogIsIgnored() throws Exception {
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();
        for (String name : List.of("dir-img-cosign-valid", "dir-img-cosign-valid-2", "dir-img-cosign-valid-with-tag")) {
            ContainersImageFixture fixture = fixture(name);

            List<SignatureVerdict> verdicts = verifier.verify(digest(fixture), fixture.layers());

            assertThat(verdicts).as(name).isNotEmpty().allSatisfy(v -> assertThat(v.isVerified()).as(v.reason()).isTrue());
        }
        assertThat(fixture("dir-img-cosign-valid-2").layers()).hasSize(2);
    }

    @Test
    void privatePkiCertificateVerifiesAgainstItsRootAndIntermediates() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-pki-valid");
        TrustRoot pki = TrustRoot.builder()
                .caCertificates(containersImage("pki_root_crts.pem"))
                .caCertificates(containersImage("pki_intermediate_crts.pem"))
                .build();
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(pki).ignoreTlog(true).ignoreSct(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        SigningCertificate certificate = verdict.facts().orElseThrow().certificate().orElseThrow();
        assertThat(certificate.subjectAlternativeNames()).containsExactly("qiwan@redhat.com"); // its DNS name is no signer
        assertThat(certificate.issuer()).isEmpty();
    }

    @Test
    void signatureOfAnotherManifestIsRejectedByTheManifestDigest() throws Exception {
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();
        for (String name : List.of("dir-img-cosign-manifest-digest-error", "dir-img-cosign-modified-manifest")) {
            ContainersImageFixture fixture = fixture(name);

            SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

            assertThat(verdict.failedCheck()).as(name).contains(Check.IMAGE_DIGEST);
            assertThat(verdict.reason()).contains("payload docker-manifest-digest sha256:634a8f35b5f1")
                    .contains("does not match image digest " + digest(fixture));
        }
    }

    @Test
    void signatureWithoutAManifestHasNoImageToBindToAndIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-no-manifest");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();

        SignatureVerdict verdict = verifier.verify(fixture.imageDigest().orElse(""), fixture.layers().get(0));

        assertThat(fixture.imageDigest()).isEmpty();
        assertThat(verdict.failedCheck()).contains(Check.IMAGE_DIGEST);
        assertThat(verdict.reason()).contains("no image to bind the signature to");
    }

    /**
     * The README lists -mixed as rejected: its first signature (an unknown key's) is, the second
     * (a copy of -valid's) verifies. containers/image accepts the image on the second; whether one
     * verified layer is enough is the policy's call (Kyverno: yes).
     */
    @Test
    void signatureByAnUnknownKeyIsRejectedWhileTheValidOneBesideItVerifies() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-mixed");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();

        List<SignatureVerdict> verdicts = verifier.verify(digest(fixture), fixture.layers());

        assertThat(verdicts).hasSize(2);
        assertThat(verdicts.get(0).failedCheck()).contains(Check.SIGNATURE);
        assertThat(verdicts.get(0).reason()).contains("payload signature does not verify with the EC P-256 key");
        assertThat(verdicts.get(1).isVerified()).as(verdicts.get(1).reason()).isTrue();
    }

    @Test
    void attachmentThatIsNotASimpleSigningPayloadIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-other-attachment");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.FORMAT);
        assertThat(verdict.reason()).contains("layer media type text/plain is not " + SignatureLayer.SIMPLE_SIGNING_MEDIA_TYPE);
    }

    @Test
    void signatureByAnotherKeyIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-valid");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign2.pub")).ignoreTlog(true).build();

        assertThat(verifier.verify(digest(fixture), fixture.layers().get(0)).failedCheck()).contains(Check.SIGNATURE);
    }

    @Test
    void tamperedPayloadIsRejectedBeforeItsClaimsAreRead() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-valid");
        SignatureLayer layer = fixture.layers().get(0);
        byte[] payload = new String(layer.payload(), StandardCharsets.UTF_8)
                .replace("cosign-signed-single-sample", "cosign-signed-single-sampLe").getBytes(StandardCharsets.UTF_8);
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).ignoreTlog(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), new SignatureLayer(layer.mediaType(), payload, layer.annotations()));

        assertThat(verdict.failedCheck()).contains(Check.SIGNATURE);
    }

    @Test
    void keySignatureWithoutRekorSetIsRejectedWhenTheTlogIsRequired() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-valid");
        CosignVerifier verifier = CosignVerifier.builder().publicKey(key("cosign.pub")).trustRoot(rekorOnly()).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.TLOG);
        assertThat(verdict.reason()).contains("no " + SignatureLayer.BUNDLE + " annotation");
    }

    @Test
    void rekorSetOfAnotherSignatureIsRejectedByTheEntryBody() throws Exception {
        ContainersImageFixture keyless = fixture("dir-img-cosign-fulcio-rekor-valid");
        ContainersImageFixture keyed = fixture("dir-img-cosign-key-rekor-valid");
        SignatureLayer layer = withAnnotation(keyless.layers().get(0), SignatureLayer.BUNDLE,
                keyed.layers().get(0).annotations().get(SignatureLayer.BUNDLE));

        SignatureVerdict verdict = keylessWithPemRoot().verify(digest(keyless), layer);

        assertThat(verdict.failedCheck()).contains(Check.TLOG_ENTRY);
        assertThat(verdict.reason()).contains("Rekor hashedrekord entry records sha256:5f410774");
    }

    @Test
    void rekorSetWithAMovedIntegratedTimeIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        SignatureLayer layer = fixture.layers().get(0);
        String bundle = layer.annotations().get(SignatureLayer.BUNDLE).replace("1674247893", "1674247894");

        SignatureVerdict verdict = keylessWithPemRoot().verify(digest(fixture), withAnnotation(layer, SignatureLayer.BUNDLE, bundle));

        assertThat(verdict.failedCheck()).contains(Check.SET);
        assertThat(verdict.reason()).contains("Rekor SET signature invalid");
    }

    @Test
    void rekorSetFromALogTheTrustRootDoesNotListIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        TrustRoot fulcioOnly = TrustRoot.builder().caCertificates(containersImage("fulcio_v1.crt.pem")).build();
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(fulcioOnly).ignoreSct(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.TLOG);
        assertThat(verdict.reason()).contains("from log c0d23d6a").contains("does not list");
    }

    @Test
    void certificateOfAnotherPkiIsRejectedUnderFulcio() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-pki-valid");
        TrustRoot fulcio = TrustRoot.builder().caCertificates(containersImage("fulcio_v1.crt.pem")).build();
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(fulcio).ignoreTlog(true).ignoreSct(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.CERTIFICATE_CHAIN);
        assertThat(verdict.reason()).contains("certificate of qiwan@redhat.com")
                .contains("does not chain to a trusted Fulcio root of fulcio_v1.crt.pem");
    }

    @Test
    void certificateIssuedBeforeAnyTrustedCaExistedIsRejected() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        TrustRoot pki = TrustRoot.builder()
                .caCertificates(containersImage("pki_root_crts.pem"))
                .rekorKey(SigstoreFixtures.containersImageRekorKey(), "rekor.pub")
                .build();
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(pki).ignoreSct(true).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.CERTIFICATE_CHAIN);
        assertThat(verdict.reason()).contains("no Fulcio CA valid at 2023-01-20T20:51:31Z (the certificate's issuance) "
                + "in pki_root_crts.pem + rekor.pub");
    }

    @Test
    void expiredFulcioCertificateWithoutRekorIsRejectedAtTheCurrentTime() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(SigstoreFixtures.publicGood()).ignoreTlog(true)
                .clock(Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC)).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.SIGNING_TIME);
        assertThat(verdict.reason()).contains("current time 2024-06-01T00:00:00Z outside certificate validity "
                + "2023-01-20T20:51:31Z to 2023-01-20T21:01:31Z");
    }

    @Test
    void sctCannotBeCheckedWithoutCtKeysSoTheTrustRootIsNamed() throws Exception {
        ContainersImageFixture fixture = fixture("dir-img-cosign-fulcio-rekor-valid");
        CosignVerifier verifier = CosignVerifier.builder().trustRoot(pemRoot()).build();

        SignatureVerdict verdict = verifier.verify(digest(fixture), fixture.layers().get(0));

        assertThat(verdict.failedCheck()).contains(Check.TRUST_ROOT);
        assertThat(verdict.reason()).contains("has no CT log key");
    }

    @Test
    void everyContainersImageFixtureHasItsOutcomeAsserted() {
        assertThat(ContainersImageFixture.all(SigstoreFixtures.path("containers-image")))
                .extracting(dir -> dir.getFileName().toString())
                .containsExactlyInAnyOrder("dir-img-cosign-fulcio-rekor-valid", "dir-img-cosign-key-rekor-valid",
                        "dir-img-cosign-valid", "dir-img-cosign-valid-2", "dir-img-cosign-valid-with-tag",
                        "dir-img-cosign-pki-valid", "dir-img-cosign-manifest-digest-error",
                        "dir-img-cosign-modified-manifest", "dir-img-cosign-no-manifest", "dir-img-cosign-mixed",
                        "dir-img-cosign-other-attachment");
    }

    @Test
    void keylessWithoutATrustRootIsAConfigurationError() {
        assertThatThrownBy(() -> CosignVerifier.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keyless verification needs a trust root");
    }

    private static CosignVerifier keylessWithPemRoot() throws Exception {
        // containers/image checks Fulcio signatures against fulcio_v1.crt.pem + rekor.pub, with no CT key.
        return CosignVerifier.builder().trustRoot(pemRoot()).ignoreSct(true).build();
    }

    private static TrustRoot pemRoot() throws Exception {
        return TrustRoot.builder()
                .caCertificates(containersImage("fulcio_v1.crt.pem"))
                .rekorKey(SigstoreFixtures.containersImageRekorKey(), "rekor.pub")
                .build();
    }

    private static TrustRoot rekorOnly() throws Exception {
        return TrustRoot.builder().rekorKey(SigstoreFixtures.containersImageRekorKey(), "rekor.pub").build();
    }

    private static PublicKey key(String name) throws Exception {
        return Pem.publicKey(Files.readString(containersImage(name), StandardCharsets.US_ASCII));
    }

    private static ContainersImageFixture fixture(String name) {
        return ContainersImageFixture.read(containersImage(name));
    }

    private static Path containersImage(String name) {
        return SigstoreFixtures.path("containers-image/" + name);
    }

    private static String digest(ContainersImageFixture fixture) {
        return fixture.imageDigest().orElseThrow();
    }

    private static SignatureLayer withAnnotation(SignatureLayer layer, String name, String value) {
        Map<String, String> annotations = new HashMap<>(layer.annotations());
        annotations.put(name, value);
        return new SignatureLayer(layer.mediaType(), layer.payload(), annotations);
    }
}
