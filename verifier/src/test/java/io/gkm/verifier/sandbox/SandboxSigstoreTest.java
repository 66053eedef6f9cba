package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxSigstoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SandboxSigstore sigstore = SandboxSigstore.create();

    @Test
    void trustedRootListsTheCaRekorAndCtLogWithTheirIdsAndValidity() throws Exception {
        JsonNode root = JSON.readTree(sigstore.trustedRootJson());

        assertThat(root.path("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.trustedroot+json;version=0.1");
        assertLog(root.path("tlogs"), SandboxRekor.BASE_URL, sigstore.rekor().publicKey());
        assertLog(root.path("ctlogs"), SandboxCtLog.BASE_URL, sigstore.ctLog().publicKey());
        assertThat(root.path("certificateAuthorities")).hasSize(1);
        JsonNode ca = root.path("certificateAuthorities").get(0);
        assertThat(ca.path("uri").asText()).isEqualTo(sigstore.fulcio().uri());
        assertThat(ca.path("validFor").path("start").asText()).isEqualTo(sigstore.trustedSince().toString());
        List<String> chain = new ArrayList<>();
        ca.path("certChain").path("certificates").forEach(c -> chain.add(c.path("rawBytes").asText()));
        assertThat(chain).containsExactly(base64(Crypto.der(sigstore.fulcio().intermediateCertificate())),
                base64(Crypto.der(sigstore.fulcio().rootCertificate())));
        assertThat(root.path("timestampAuthorities")).isEmpty();
    }

    @Test
    void theUntrustedCaIsNowhereInTheTrustedRoot() {
        String json = sigstore.trustedRootJson();

        assertThat(json).doesNotContain(base64(Crypto.der(sigstore.untrustedFulcio().rootCertificate())))
                .doesNotContain(base64(Crypto.der(sigstore.untrustedFulcio().intermediateCertificate())))
                .doesNotContain(sigstore.untrustedFulcio().uri());
    }

    @Test
    void writesTheTrustedRootCreatingParentDirectories(@TempDir Path dir) throws Exception {
        Path file = sigstore.writeTrustedRoot(dir.resolve("trust/trusted_root.json"));

        assertThat(file).isEqualTo(dir.resolve("trust/trusted_root.json"));
        assertThat(Files.readString(file)).isEqualTo(sigstore.trustedRootJson());
    }

    @Test
    void signingPublicKeyPemIsTheKeyedSigningKey() throws Exception {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(sigstore.signingPublicKeyPem()))) {
            parsed = parser.readObject();
        }

        assertThat(parsed).isInstanceOfSatisfying(SubjectPublicKeyInfo.class, key -> assertThat(encoded(key))
                .isEqualTo(sigstore.signingKey().getPublic().getEncoded()));
    }

    @Test
    void everySigstoreHasItsOwnKeys() {
        SandboxSigstore other = SandboxSigstore.create();

        assertThat(other.rekor().logId()).isNotEqualTo(sigstore.rekor().logId());
        assertThat(other.ctLog().logId()).isNotEqualTo(sigstore.ctLog().logId());
        assertThat(other.fulcio().rootCertificate()).isNotEqualTo(sigstore.fulcio().rootCertificate());
        assertThat(other.signingKey().getPublic()).isNotEqualTo(sigstore.signingKey().getPublic());
    }

    @Test
    void keyedSigningRefusesTheDefectsOfACertificateItDoesNotHave() {
        Set<SignatureDefect> certificateDefects = EnumSet.of(SignatureDefect.WRONG_SUBJECT, SignatureDefect.WRONG_ISSUER,
                SignatureDefect.EXPIRED_CERTIFICATE, SignatureDefect.INTEGRATED_TIME_OUTSIDE_VALIDITY,
                SignatureDefect.UNTRUSTED_CA);
        SigningIdentity identity = SigningIdentity.email("signer@gkm.test", "https://oidc.gkm.test");

        for (SignatureDefect defect : SignatureDefect.values()) {
            assertThat(defect.needsCertificate()).as(defect.name()).isEqualTo(certificateDefects.contains(defect));
            assertThat(Signing.keyless(identity).with(defect).defect()).contains(defect);
            if (defect.needsCertificate()) {
                assertThatThrownBy(() -> Signing.keyed().with(defect)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(defect.name()).hasMessageContaining("keyless");
            } else {
                assertThat(Signing.keyed().with(defect).isKeyless()).isFalse();
            }
        }
    }

    private static void assertLog(JsonNode logs, String baseUrl, PublicKey key) {
        assertThat(logs).hasSize(1);
        JsonNode log = logs.get(0);
        assertThat(log.path("baseUrl").asText()).isEqualTo(baseUrl);
        assertThat(log.path("hashAlgorithm").asText()).isEqualTo("SHA2_256");
        assertThat(log.path("publicKey").path("rawBytes").asText()).isEqualTo(base64(key.getEncoded()));
        assertThat(log.path("publicKey").path("keyDetails").asText()).isEqualTo("PKIX_ECDSA_P256_SHA_256");
        assertThat(log.path("logId").path("keyId").asText()).isEqualTo(base64(Crypto.sha256(key.getEncoded())));
        assertThat(log.path("publicKey").path("validFor").path("start").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    private static byte[] encoded(SubjectPublicKeyInfo key) {
        try {
            return key.getEncoded();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
