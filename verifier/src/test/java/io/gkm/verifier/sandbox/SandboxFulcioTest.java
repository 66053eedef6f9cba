package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.junit.jupiter.api.Test;

class SandboxFulcioTest {
    private static final SandboxSigstore SIGSTORE = SandboxSigstore.create();
    private static final SigningIdentity PERSON = SigningIdentity.email("signer@gkm.test", "https://oidc.gkm.test");
    private static final SigningIdentity WORKFLOW = SigningIdentity.uri(
            "https://github.com/gkm/caches/.github/workflows/build.yaml@refs/heads/main",
            "https://token.actions.githubusercontent.com");
    private static final String SAN = "2.5.29.17";
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

    private final Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void leafHasFulciosProfileForAnEmailIdentity() throws Exception {
        X509Certificate leaf = issue(SIGSTORE.fulcio(), PERSON);

        assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
        assertThat(leaf.getCriticalExtensionOIDs()).contains(SAN);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(1, PERSON.subject()));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(CODE_SIGNING);
        assertThat(leaf.getKeyUsage()).startsWith(true, false, false, false, false, false);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(notBefore);
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(notBefore.plus(SandboxFulcio.LEAF_LIFETIME));
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(
                SIGSTORE.fulcio().intermediateCertificate().getSubjectX500Principal());
    }

    @Test
    void issuerIsInBothFulcioExtensionsRawAndAsUtf8String() throws Exception {
        X509Certificate leaf = issue(SIGSTORE.fulcio(), PERSON);

        byte[] v1 = extensionContent(leaf, SandboxFulcio.ISSUER_V1.getId());
        byte[] v2 = extensionContent(leaf, SandboxFulcio.ISSUER_V2.getId());

        assertThat(new String(v1, StandardCharsets.UTF_8)).isEqualTo(PERSON.issuer());
        assertThat(ASN1Primitive.fromByteArray(v2)).isInstanceOfSatisfying(DERUTF8String.class,
                text -> assertThat(text.getString()).isEqualTo(PERSON.issuer()));
    }

    @Test
    void uriIdentityIsAUriSubjectAlternativeName() throws Exception {
        X509Certificate leaf = issue(SIGSTORE.fulcio(), WORKFLOW);

        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, WORKFLOW.subject()));
    }

    @Test
    void leafChainsThroughTheIntermediateToTheRootForTheJdksPkix() throws Exception {
        X509Certificate leaf = issue(SIGSTORE.fulcio(), PERSON);

        validate(leaf, SIGSTORE.fulcio());

        assertThat(SIGSTORE.fulcio().chain()).containsExactly(SIGSTORE.fulcio().intermediateCertificate(),
                SIGSTORE.fulcio().rootCertificate());
        assertThat(SIGSTORE.fulcio().rootCertificate().getBasicConstraints()).isEqualTo(1);
        assertThat(SIGSTORE.fulcio().intermediateCertificate().getBasicConstraints()).isZero();
    }

    @Test
    void untrustedCasLeafDoesNotChainToTheTrustedRoot() {
        X509Certificate leaf = issue(SIGSTORE.untrustedFulcio(), PERSON);

        assertThatThrownBy(() -> validate(leaf, SIGSTORE.fulcio())).isInstanceOf(CertPathValidatorException.class);
        assertThat(SIGSTORE.untrustedFulcio().rootCertificate()).isNotEqualTo(SIGSTORE.fulcio().rootCertificate());
    }

    /**
     * RFC 6962 section 3.2 from the verifier's side: the SCT signs the certificate's TBS without
     * the SCT list (which is the precertificate's without the poison), the issuer's key hash and
     * the SCT's timestamp.
     */
    @Test
    void embeddedSctIsTheCtLogsSignatureOverTheCertificateWithoutItsSctList() throws Exception {
        X509Certificate leaf = issue(SIGSTORE.fulcio(), PERSON);
        assertThat(leaf.getNonCriticalExtensionOIDs()).contains(SandboxCtLog.SCT_LIST_EXTENSION.getId());
        assertThat(leaf.getExtensionValue(SandboxCtLog.PRECERTIFICATE_POISON.getId())).isNull();

        ByteBuffer list = ByteBuffer.wrap(ASN1OctetString.getInstance(
                extensionContent(leaf, SandboxCtLog.SCT_LIST_EXTENSION.getId())).getOctets());
        assertThat(Short.toUnsignedInt(list.getShort())).isEqualTo(list.remaining());
        ByteBuffer sct = ByteBuffer.wrap(bytes(list, Short.toUnsignedInt(list.getShort())));
        assertThat(list.hasRemaining()).as("one SCT").isFalse();
        assertThat(sct.get()).as("v1").isZero();
        assertThat(bytes(sct, 32)).isEqualTo(SIGSTORE.ctLog().logId());
        long timestamp = sct.getLong();
        assertThat(Instant.ofEpochMilli(timestamp)).isEqualTo(notBefore);
        assertThat(sct.getShort()).as("no extensions").isZero();
        assertThat(sct.get()).as("sha256").isEqualTo((byte) 4);
        assertThat(sct.get()).as("ecdsa").isEqualTo((byte) 3);
        byte[] signature = bytes(sct, Short.toUnsignedInt(sct.getShort()));
        assertThat(sct.hasRemaining()).isFalse();

        byte[] tbs = tbsWithout(leaf, SandboxCtLog.SCT_LIST_EXTENSION.getId());
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(0);
        signed.write(0);
        signed.writeBytes(ByteBuffer.allocate(8).putLong(timestamp).array());
        signed.writeBytes(new byte[] {0, 1});
        signed.writeBytes(Crypto.sha256(SIGSTORE.fulcio().intermediateCertificate().getPublicKey().getEncoded()));
        signed.writeBytes(Arrays.copyOfRange(ByteBuffer.allocate(4).putInt(tbs.length).array(), 1, 4));
        signed.writeBytes(tbs);
        signed.writeBytes(new byte[] {0, 0});
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(SIGSTORE.ctLog().publicKey());
        verifier.update(signed.toByteArray());
        assertThat(verifier.verify(signature)).isTrue();
    }

    private X509Certificate issue(SandboxFulcio ca, SigningIdentity identity) {
        return ca.issue(identity, Crypto.ecKeyPair(Crypto.P256).getPublic(), notBefore,
                notBefore.plus(SandboxFulcio.LEAF_LIFETIME));
    }

    /** PKIX validation of the leaf and the intermediate that issued it, with only {@code trusted}'s root as anchor. */
    private void validate(X509Certificate leaf, SandboxFulcio trusted) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(trusted.rootCertificate(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(notBefore.plusSeconds(1)));
        List<X509Certificate> path = List.of(leaf, issuerOf(leaf));
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
    }

    private static X509Certificate issuerOf(X509Certificate leaf) {
        for (SandboxFulcio ca : List.of(SIGSTORE.fulcio(), SIGSTORE.untrustedFulcio())) {
            if (ca.intermediateCertificate().getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                return ca.intermediateCertificate();
            }
        }
        throw new AssertionError("no test CA issued " + leaf);
    }

    /** The extension's content, without the OCTET STRING that {@link X509Certificate#getExtensionValue} wraps it in. */
    private static byte[] extensionContent(X509Certificate certificate, String oid) {
        return ASN1OctetString.getInstance(certificate.getExtensionValue(oid)).getOctets();
    }

    private static byte[] tbsWithout(X509Certificate certificate, String oid) throws Exception {
        TBSCertificate tbs = Certificate.getInstance(certificate.getEncoded()).getTBSCertificate();
        Extension[] kept = Arrays.stream(tbs.getExtensions().getExtensionOIDs())
                .filter(id -> !id.getId().equals(oid)).map(tbs.getExtensions()::getExtension).toArray(Extension[]::new);
        return new TBSCertificate(tbs.getVersion(), tbs.getSerialNumber(), tbs.getSignature(), tbs.getIssuer(),
                tbs.getValidity(), tbs.getSubject(), tbs.getSubjectPublicKeyInfo(), tbs.getIssuerUniqueId(),
                tbs.getSubjectUniqueId(), new Extensions(kept)).getEncoded("DER");
    }

    private static byte[] bytes(ByteBuffer buffer, int length) {
        byte[] out = new byte[length];
        buffer.get(out);
        return out;
    }
}
