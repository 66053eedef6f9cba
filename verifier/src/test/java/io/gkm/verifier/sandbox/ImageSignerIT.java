package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import io.gkm.verifier.oci.RegistryClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link ImageSigner} leaves in the real registry, read back over the registry API: the
 * layouts cosign writes. Whether a verifier accepts them is the verifier module's round trip.
 */
@WithOciRegistry
class ImageSignerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SandboxSigstore SIGSTORE = SandboxSigstore.create();
    private static final SigningIdentity PERSON = SigningIdentity.email("signer@gkm.test", "https://oidc.gkm.test");

    @Test
    void cosignV2SignatureIsALayerOfTheSigManifestWithPayloadCertificateChainAndSet(OciRegistry registry)
            throws Exception {
        Image image = pushImage(registry);

        AttachedSignature attached = imageSigner(registry).sign(SignatureFormat.COSIGN_V2, image.repository(),
                image.digest(), Signing.keyless(PERSON));

        String tag = image.digest().replace(':', '-') + ".sig";
        assertThat(attached.tag()).isEqualTo(tag);
        assertThat(registry.resolve(image.repository(), tag)).contains(attached.manifestDigest());
        JsonNode manifest = manifest(registry, image.repository(), tag);
        assertThat(manifest.path("mediaType").asText()).isEqualTo(OciRegistry.OCI_MANIFEST);
        assertThat(manifest.path("layers")).hasSize(1);
        JsonNode layer = manifest.path("layers").get(0);
        assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
        byte[] payload = blob(registry, image.repository(), layer.path("digest").asText());
        JsonNode critical = JSON.readTree(payload).path("critical");
        assertThat(critical.path("image").path("docker-manifest-digest").asText()).isEqualTo(image.digest());
        assertThat(critical.path("identity").path("docker-reference").asText())
                .isEqualTo(registry.hostPort() + "/" + image.repository());
        assertThat(critical.path("type").asText()).isEqualTo("cosign container image signature");

        JsonNode annotations = layer.path("annotations");
        assertThat(certificates(annotations.path("dev.sigstore.cosign/certificate").asText()))
                .containsExactly(attached.certificate().orElseThrow());
        assertThat(certificates(annotations.path("dev.sigstore.cosign/chain").asText()))
                .containsExactlyElementsOf(SIGSTORE.fulcio().chain());
        JsonNode set = JSON.readTree(annotations.path("dev.sigstore.cosign/bundle").asText());
        assertThat(set.path("Payload").path("logIndex").asLong()).isEqualTo(attached.rekorEntry().logIndex());
        assertThat(set.path("Payload").path("logID").asText()).isEqualTo(attached.rekorEntry().logIdHex());
        assertThat(set.path("Payload").path("integratedTime").asLong())
                .isEqualTo(attached.rekorEntry().integratedTime().getEpochSecond());
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(set.path("Payload").path("body").asText()));
        assertThat(body.path("kind").asText()).isEqualTo("hashedrekord");
        assertThat(body.path("spec").path("data").path("hash").path("value").asText()).isEqualTo(sha256Hex(payload));
        assertThat(body.path("spec").path("signature").path("content").asText())
                .isEqualTo(annotations.path("dev.cosignproject.cosign/signature").asText());
        assertThat(attached.certifiedIdentity()).contains(PERSON);
    }

    @Test
    void aSecondV2SignatureIsAppendedAsALayerAndTheConfigListsBoth(OciRegistry registry) throws Exception {
        Image image = pushImage(registry);
        ImageSigner signer = imageSigner(registry);
        signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(), Signing.keyless(PERSON));

        AttachedSignature keyed = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyed());

        JsonNode manifest = manifest(registry, image.repository(), keyed.tag());
        assertThat(manifest.path("layers")).hasSize(2);
        JsonNode keyedLayer = manifest.path("layers").get(1);
        assertThat(keyedLayer.path("annotations").has("dev.sigstore.cosign/certificate")).isFalse();
        JsonNode set = JSON.readTree(keyedLayer.path("annotations").path("dev.sigstore.cosign/bundle").asText());
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(set.path("Payload").path("body").asText()));
        assertThat(new String(Base64.getDecoder().decode(
                body.path("spec").path("signature").path("publicKey").path("content").asText()), StandardCharsets.US_ASCII))
                .isEqualTo(SIGSTORE.signingPublicKeyPem());
        JsonNode config = JSON.readTree(blob(registry, image.repository(), manifest.path("config").path("digest").asText()));
        List<String> layerDigests = new ArrayList<>();
        manifest.path("layers").forEach(l -> layerDigests.add(l.path("digest").asText()));
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        assertThat(diffIds).isEqualTo(layerDigests);
        assertThat(keyed.certificate()).isEmpty();
    }

    @Test
    void bundleIsAReferrerOfTheImageListedInTheReferrersTagIndex(OciRegistry registry) throws Exception {
        Image image = pushImage(registry);

        AttachedSignature attached = imageSigner(registry).sign(SignatureFormat.SIGSTORE_BUNDLE,
                image.repository(), image.digest(), Signing.keyless(PERSON));

        String bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
        JsonNode index = manifest(registry, image.repository(), image.digest().replace(':', '-'));
        assertThat(index.path("mediaType").asText()).isEqualTo(OciRegistry.OCI_INDEX);
        assertThat(index.path("manifests")).hasSize(1);
        JsonNode listed = index.path("manifests").get(0);
        assertThat(listed.path("digest").asText()).isEqualTo(attached.manifestDigest());
        assertThat(listed.path("artifactType").asText()).isEqualTo(bundleType);

        JsonNode referrer = manifest(registry, image.repository(), attached.manifestDigest());
        assertThat(referrer.path("artifactType").asText()).isEqualTo(bundleType);
        assertThat(referrer.path("subject").path("digest").asText()).isEqualTo(image.digest());
        assertThat(referrer.path("subject").path("size").asLong()).isEqualTo(image.manifestSize());
        assertThat(referrer.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(referrer.path("annotations").path("dev.sigstore.bundle.predicateType").asText())
                .isEqualTo("https://sigstore.dev/cosign/sign/v1");
        assertThat(listed.path("annotations")).isEqualTo(referrer.path("annotations"));
        JsonNode layer = referrer.path("layers").get(0);
        assertThat(layer.path("mediaType").asText()).isEqualTo(bundleType);

        JsonNode bundle = JSON.readTree(blob(registry, image.repository(), layer.path("digest").asText()));
        assertThat(bundle.path("mediaType").asText()).isEqualTo(bundleType);
        assertThat(Base64.getDecoder().decode(bundle.path("verificationMaterial").path("certificate").path("rawBytes")
                .asText())).isEqualTo(attached.certificate().orElseThrow().getEncoded());
        JsonNode tlog = bundle.path("verificationMaterial").path("tlogEntries").get(0);
        assertThat(tlog.path("kindVersion").path("kind").asText()).isEqualTo("dsse");
        assertThat(tlog.path("logIndex").asText()).isEqualTo(Long.toString(attached.rekorEntry().logIndex()));
        assertThat(tlog.path("inclusionProof").path("checkpoint").path("envelope").asText())
                .isEqualTo(attached.rekorEntry().inclusionProof().checkpoint());
        JsonNode envelope = bundle.path("dsseEnvelope");
        assertThat(envelope.path("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        JsonNode statement = JSON.readTree(Base64.getDecoder().decode(envelope.path("payload").asText()));
        assertThat(statement.path("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(statement.path("subject")).hasSize(1);
        JsonNode subject = statement.path("subject").get(0);
        assertThat(subject.has("name")).as("like cosign sign: digest only").isFalse();
        assertThat("sha256:" + subject.path("digest").path("sha256").asText()).isEqualTo(image.digest());
    }

    @Test
    void keyedBundleCarriesThePublicKeyHintAndASecondBundleJoinsTheIndex(OciRegistry registry) throws Exception {
        Image image = pushImage(registry);
        ImageSigner signer = imageSigner(registry);
        AttachedSignature keyless = signer.sign(SignatureFormat.SIGSTORE_BUNDLE, image.repository(), image.digest(),
                Signing.keyless(PERSON));

        AttachedSignature keyed = signer.sign(SignatureFormat.SIGSTORE_BUNDLE, image.repository(), image.digest(),
                Signing.keyed());

        JsonNode index = manifest(registry, image.repository(), keyed.tag());
        List<String> listed = new ArrayList<>();
        index.path("manifests").forEach(m -> listed.add(m.path("digest").asText()));
        assertThat(listed).containsExactly(keyless.manifestDigest(), keyed.manifestDigest());
        JsonNode referrer = manifest(registry, image.repository(), keyed.manifestDigest());
        JsonNode bundle = JSON.readTree(blob(registry, image.repository(),
                referrer.path("layers").get(0).path("digest").asText()));
        assertThat(bundle.path("verificationMaterial").path("publicKey").path("hint").asText()).isEqualTo(
                Base64.getEncoder().encodeToString(Crypto.sha256(SIGSTORE.signingKey().getPublic().getEncoded())));
        assertThat(bundle.path("verificationMaterial").has("certificate")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void tamperedPayloadIsNotWhatWasSignedAndLogged(SignatureFormat format, OciRegistry registry) throws Exception {
        Image image = pushImage(registry);

        AttachedSignature attached = imageSigner(registry).sign(format, image.repository(), image.digest(),
                Signing.keyed().with(SignatureDefect.TAMPERED_PAYLOAD));

        byte[] signed = signedContent(registry, attached);
        JsonNode logged = JSON.readTree(attached.rekorEntry().canonicalizedBody());
        String loggedHash = format == SignatureFormat.COSIGN_V2
                ? logged.path("spec").path("data").path("hash").path("value").asText()
                : logged.path("spec").path("payloadHash").path("value").asText();
        assertThat(sha256Hex(signed)).isNotEqualTo(loggedHash);
        assertThat(new String(signed, StandardCharsets.UTF_8)).contains("\"tampered\":\"after signing\"");
    }

    @ParameterizedTest
    @EnumSource(SignatureFormat.class)
    void wrongSubjectDigestBindsAnotherImageButIsAttachedToThisOne(SignatureFormat format, OciRegistry registry)
            throws Exception {
        Image image = pushImage(registry);

        AttachedSignature attached = imageSigner(registry).sign(format, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.WRONG_SUBJECT_DIGEST));

        JsonNode signed = JSON.readTree(signedContent(registry, attached));
        String bound = format == SignatureFormat.COSIGN_V2
                ? signed.path("critical").path("image").path("docker-manifest-digest").asText()
                : "sha256:" + signed.path("subject").get(0).path("digest").path("sha256").asText();
        assertThat(bound).matches("sha256:[0-9a-f]{64}").isNotEqualTo(image.digest());
        assertThat(attached.imageDigest()).isEqualTo(image.digest());
    }

    @Test
    void certificateDefectsChangeWhatTheCertificateSays(OciRegistry registry) {
        Image image = pushImage(registry);
        ImageSigner signer = imageSigner(registry);

        AttachedSignature wrongSubject = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.WRONG_SUBJECT));
        AttachedSignature wrongIssuer = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.WRONG_ISSUER));
        AttachedSignature expired = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.EXPIRED_CERTIFICATE));
        AttachedSignature backdated = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.INTEGRATED_TIME_OUTSIDE_VALIDITY));
        AttachedSignature untrusted = signer.sign(SignatureFormat.COSIGN_V2, image.repository(), image.digest(),
                Signing.keyless(PERSON).with(SignatureDefect.UNTRUSTED_CA));

        assertThat(wrongSubject.certifiedIdentity()).contains(PERSON.withSubject(SignatureDefect.INTRUDER_EMAIL));
        assertThat(wrongIssuer.certifiedIdentity()).contains(PERSON.withIssuer(SignatureDefect.INTRUDER_ISSUER));
        assertThat(expired.rekorEntry().integratedTime())
                .isAfter(expired.certificate().orElseThrow().getNotAfter().toInstant());
        assertThat(backdated.rekorEntry().integratedTime())
                .isBefore(backdated.certificate().orElseThrow().getNotBefore().toInstant());
        assertThat(untrusted.certificate().orElseThrow().getIssuerX500Principal())
                .isEqualTo(SIGSTORE.untrustedFulcio().intermediateCertificate().getSubjectX500Principal());
        assertThat(manifest(registry, image.repository(), untrusted.tag()).path("layers")).hasSize(5);
    }

    @Test
    void refusesWhatIsNotASha256DigestAndImagesNotInTheRegistry(OciRegistry registry) {
        ImageSigner signer = imageSigner(registry);
        String repository = registry.uniqueRepository("sandbox/unsigned");
        String absent = OciRegistry.digestOf("no such image".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> signer.sign(SignatureFormat.COSIGN_V2, repository, "latest", Signing.keyed()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256:");
        assertThatThrownBy(() -> signer.sign(SignatureFormat.SIGSTORE_BUNDLE, repository, absent, Signing.keyed()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("push it before signing it");
    }

    // ---------------------------------------------------------------------------------------------

    private record Image(String repository, String digest, long manifestSize) {
    }

    private static ImageSigner imageSigner(OciRegistry registry) {
        return SIGSTORE.imageSigner(RegistryClient.builder().build(), registry.hostPort());
    }

    /** A minimal OCI image (config and one layer) in a repository of its own. */
    private static Image pushImage(OciRegistry registry) {
        String repository = registry.uniqueRepository("sandbox/signed");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer of " + repository).getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.pushBlob(repository, config);
        String layerDigest = registry.pushBlob(repository, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String digest = registry.pushManifest(repository, "v1", OciRegistry.OCI_MANIFEST, manifest);
        return new Image(repository, digest, manifest.length);
    }

    /** The simple-signing payload (v2) or in-toto statement (v3) attached by the only signature of its image. */
    private static byte[] signedContent(OciRegistry registry, AttachedSignature attached) throws Exception {
        JsonNode manifest = manifest(registry, attached.repository(), attached.manifestDigest());
        byte[] layer = blob(registry, attached.repository(), manifest.path("layers").get(0).path("digest").asText());
        if (attached.format() == SignatureFormat.COSIGN_V2) {
            return layer;
        }
        return Base64.getDecoder().decode(JSON.readTree(layer).path("dsseEnvelope").path("payload").asText());
    }

    private static JsonNode manifest(OciRegistry registry, String repository, String reference) {
        try {
            return JSON.readTree(registry.fetchManifest(repository, reference).orElseThrow());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] blob(OciRegistry registry, String repository, String digest) {
        return registry.fetchBlob(repository, digest).orElseThrow();
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        List<X509Certificate> certificates = new ArrayList<>();
        for (var certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            certificates.add((X509Certificate) certificate);
        }
        return certificates;
    }

    private static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(Crypto.sha256(content));
    }
}
