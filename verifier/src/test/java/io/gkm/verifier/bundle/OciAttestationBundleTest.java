package io.gkm.verifier.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.SignatureVerdict;
import io.gkm.verifier.trust.SigningCertificate;
import io.gkm.verifier.trust.SigstoreFixtures;
import io.gkm.verifier.trust.TlogEntry;
import io.gkm.verifier.trust.TrustRoot;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cosign's DSSE bundle for an OCI image (pkg/cosign/testdata), against its own trusted root. */
class OciAttestationBundleTest {
    private byte[] bundle;
    private SigstoreBundleVerifier verifier;

    @BeforeEach
    void load() throws Exception {
        bundle = Files.readAllBytes(SigstoreFixtures.path("cosign/oci-attestation.sigstore.json"));
        TrustRoot root = TrustRoot.fromFile(SigstoreFixtures.path("cosign/trusted_root_pgi.json"));
        verifier = SigstoreBundleVerifier.builder().trustRoot(root).build();
    }

    @Test
    void bundleVerifiesForTheImageDigestItsStatementNames() throws Exception {
        String digest = statementDigest();
        assertThat(digest).startsWith("sha256:732112270d7e");

        SignatureVerdict verdict = verifier.verifyImage(bundle, digest);

        assertThat(verdict.isVerified()).as(verdict.reason()).isTrue();
        SigningCertificate certificate = verdict.facts().orElseThrow().certificate().orElseThrow();
        assertThat(certificate.subject()).contains("cody@soyland.com");
        assertThat(certificate.issuer()).contains("https://github.com/login/oauth");
        TlogEntry entry = verdict.facts().orElseThrow().tlogEntry().orElseThrow();
        assertThat(entry.logIndex()).isEqualTo(175508996L);
        assertThat(entry.integratedTime()).isEqualTo(Instant.ofEpochSecond(1740770291L));
    }

    @Test
    void bundleIsRejectedForAnotherImageDigest() throws Exception {
        String other = "sha256:" + "0".repeat(64);

        SignatureVerdict verdict = verifier.verifyImage(bundle, other);

        assertThat(verdict.failedCheck()).contains(Check.IMAGE_DIGEST);
        assertThat(verdict.reason()).contains("[" + statementDigest() + "] do not include the image " + other);
    }

    @Test
    void bundleIsRejectedWhenItsStatementIsAlteredAfterSigning() throws Exception {
        String altered = new String(bundle, java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\"payload\": ?\"ey", "\"payload\":\"ex");

        SignatureVerdict verdict = verifier.verifyImage(altered.getBytes(java.nio.charset.StandardCharsets.UTF_8), statementDigest());

        assertThat(verdict.isVerified()).isFalse();
    }

    private String statementDigest() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode envelope = json.readTree(bundle).path("dsseEnvelope");
        JsonNode statement = json.readTree(Base64.getDecoder().decode(envelope.path("payload").asText()));
        return "sha256:" + statement.path("subject").get(0).path("digest").path("sha256").asText();
    }
}
