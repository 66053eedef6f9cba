package io.gkm.verifier.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading trust: Sigstore trusted roots and PEM files, and refusing the malformed ones. */
class TrustRootTest {

    @Test
    void publicGoodRootHasItsFulcioCasRekorLogAndCtLogs() throws Exception {
        TrustRoot root = SigstoreFixtures.publicGood();

        assertThat(root.fulcioCas()).hasSize(2);
        assertThat(root.tlogs()).extracting(TrustRoot.LogKey::logIdHex)
                .containsExactly("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d");
        assertThat(root.ctlogs()).hasSize(2);
        assertThat(root.timestampAuthorities()).hasSize(1);
        assertThat(root.source()).endsWith("public-good.json");
    }

    @Test
    void rootWithPkcs1RsaCtKeyLoads() throws Exception {
        TrustRoot root = TrustRoot.fromFile(SigstoreFixtures.path("conformance/managed-key-and-trusted-root/trusted_root.json"));

        assertThat(root.ctlogs()).extracting(l -> l.key().getAlgorithm()).contains("RSA", "EC");
    }

    @Test
    void logKeyWithoutAValidityStartIsRefusedNotTrustedForever() {
        Path file = SigstoreFixtures.path("conformance/trust-root-tlog-missing-validity-start_fail/trusted_root.json");

        assertThatThrownBy(() -> TrustRoot.fromFile(file)).isInstanceOfSatisfying(VerificationException.class, e -> {
            assertThat(e.check()).isEqualTo(Check.TRUST_ROOT);
            assertThat(e.getMessage()).isEqualTo(file + ": tlogs entry https://log2025-alpha1.rekor.sigstage.dev has no validFor.start");
        });
    }

    @Test
    void missingOrMalformedFileIsATrustRootError(@TempDir Path dir) throws Exception {
        Path notJson = Files.writeString(dir.resolve("trusted_root.json"), "{\"tlogs\": [");

        assertThatThrownBy(() -> TrustRoot.fromFile(dir.resolve("absent.json")))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.check()).isEqualTo(Check.TRUST_ROOT))
                .hasMessageContaining("cannot read trusted root");
        assertThatThrownBy(() -> TrustRoot.fromFile(notJson))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.check()).isEqualTo(Check.TRUST_ROOT))
                .hasMessageContaining("is not JSON");
    }

    @Test
    void pemFilesSplitIntoRootsAndIntermediatesAndNameTheSource() throws Exception {
        Path containersImage = SigstoreFixtures.path("containers-image");

        TrustRoot root = TrustRoot.builder()
                .caCertificates(containersImage.resolve("pki_root_crts.pem"))
                .caCertificates(containersImage.resolve("pki_intermediate_crts.pem"))
                .ctLogKey(containersImage.resolve("cosign.pub"))
                .build();

        assertThat(root.fulcioCas()).singleElement().satisfies(ca -> {
            assertThat(ca.anchor().getSubjectX500Principal().getName()).contains("CN=Linuxera Root Certificate Authority");
            assertThat(ca.intermediates()).hasSize(1);
        });
        assertThat(root.ctlogs()).hasSize(1);
        assertThat(root.source()).isEqualTo("pki_root_crts.pem + pki_intermediate_crts.pem + cosign.pub");
    }

    @Test
    void pemFileWithoutCertificatesIsATrustRootError() {
        Path key = SigstoreFixtures.path("containers-image/cosign.pub");

        assertThatThrownBy(() -> TrustRoot.builder().caCertificates(key))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.check()).isEqualTo(Check.TRUST_ROOT))
                .hasMessageStartingWith("cosign.pub: ");
    }

    @Test
    void severalPemPublicKeysInOneTextAreSeveralKeys() throws Exception {
        String one = Files.readString(SigstoreFixtures.path("containers-image/cosign.pub"));
        String two = Files.readString(SigstoreFixtures.path("containers-image/cosign2.pub"));

        assertThat(Pem.publicKeys(one + two)).hasSize(2);
        assertThatThrownBy(() -> Pem.publicKey(one + two)).isInstanceOf(VerificationException.class)
                .hasMessage("expected one PEM public key, found 2");
    }
}
