package io.gkm.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTlsTest {
    @TempDir
    Path dir;

    @Test
    void aFirstStartMakesAPairForLocalhostThatBelongsTogether() throws Exception {
        DevTls.Pair pair = DevTls.inDirectory(dir, Clock.systemUTC());

        assertThat(pair.generated()).isTrue();
        assertThat(Files.readString(pair.cert())).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(pair.key())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.getPosixFilePermissions(pair.key())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(pair.certificate().getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))))
                .contains("localhost", "127.0.0.1");
        assertThat(pair.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(signsFor(pair)).isTrue();
    }

    @Test
    void aRestartReusesThePair() throws Exception {
        DevTls.Pair first = DevTls.inDirectory(dir, Clock.systemUTC());
        byte[] cert = Files.readAllBytes(first.cert());
        byte[] key = Files.readAllBytes(first.key());

        DevTls.Pair again = DevTls.inDirectory(dir, Clock.systemUTC());

        assertThat(again.generated()).isFalse();
        assertThat(Files.readAllBytes(again.cert())).isEqualTo(cert);
        assertThat(Files.readAllBytes(again.key())).isEqualTo(key);
    }

    @Test
    void aPairAboutToExpireOrUnreadableIsMadeAgain() throws Exception {
        DevTls.Pair first = DevTls.inDirectory(dir, Clock.systemUTC());
        Clock nearlyAYearLater = Clock.fixed(Instant.now().plus(DevTls.VALIDITY).minus(Duration.ofHours(1)),
                ZoneOffset.UTC);

        DevTls.Pair renewed = DevTls.inDirectory(dir, nearlyAYearLater);
        Files.writeString(first.cert(), "not a certificate");
        DevTls.Pair replaced = DevTls.inDirectory(dir, Clock.systemUTC());

        assertThat(renewed.generated()).isTrue();
        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(replaced.generated()).isTrue();
        assertThat(signsFor(replaced)).isTrue();
    }

    private static boolean signsFor(DevTls.Pair pair) throws Exception {
        String pem = Files.readString(pair.key()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        byte[] probe = "gkm dev".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.certificate());
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
