package io.gkm.verifier.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * A certificate transparency log that issues RFC 6962 signed certificate timestamps (SCTs) for
 * precertificates, the way Fulcio gets the SCT it embeds in every certificate. It keeps no log:
 * Sigstore verifiers only check the SCT's signature, never the CT log's tree.
 */
public final class SandboxCtLog {
    /** X.509 extension holding the SignedCertificateTimestampList (RFC 6962 section 3.3). */
    public static final ASN1ObjectIdentifier SCT_LIST_EXTENSION = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
    /** Critical extension that makes a certificate a precertificate no TLS client accepts (RFC 6962 section 3.1). */
    public static final ASN1ObjectIdentifier PRECERTIFICATE_POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
    /** The base URL written into trusted roots; nothing is served there. */
    public static final String BASE_URL = "https://ctfe.gkm.test/test";

    private static final int SCT_VERSION_V1 = 0;
    private static final int SIGNATURE_TYPE_CERTIFICATE_TIMESTAMP = 0;
    private static final int LOG_ENTRY_TYPE_PRECERT = 1;
    private static final int HASH_ALGORITHM_SHA256 = 4;
    private static final int SIGNATURE_ALGORITHM_ECDSA = 3;

    private final KeyPair key = Crypto.ecKeyPair(Crypto.P256);
    private final byte[] logId = Crypto.sha256(key.getPublic().getEncoded());

    SandboxCtLog() {
    }

    public PublicKey publicKey() {
        return key.getPublic();
    }

    /** The log id: SHA-256 of the log key's DER SubjectPublicKeyInfo. */
    public byte[] logId() {
        return logId.clone();
    }

    /**
     * Checks {@code precertificate} like a CT log front end (signed by {@code issuer}, poisoned)
     * and returns the serialised SCT over its TBSCertificate without the poison, the issuer's key
     * hash and {@code timestamp} (RFC 6962 section 3.2, {@code precert_entry}).
     */
    byte[] submitPrecertificate(X509CertificateHolder precertificate, X509Certificate issuer, Instant timestamp) {
        requireSignedBy(precertificate, issuer);
        Extensions extensions = precertificate.getExtensions();
        Extension poison = extensions == null ? null : extensions.getExtension(PRECERTIFICATE_POISON);
        if (poison == null || !poison.isCritical()) {
            throw new IllegalArgumentException("not a precertificate: no critical poison extension " + PRECERTIFICATE_POISON);
        }
        byte[] tbsWithoutPoison = withoutPoison(precertificate.toASN1Structure().getTBSCertificate());
        byte[] issuerKeyHash = Crypto.sha256(issuer.getPublicKey().getEncoded());
        long millis = timestamp.toEpochMilli();

        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(SCT_VERSION_V1);
        signed.write(SIGNATURE_TYPE_CERTIFICATE_TIMESTAMP);
        writeNumber(signed, millis, 8);
        writeNumber(signed, LOG_ENTRY_TYPE_PRECERT, 2);
        signed.writeBytes(issuerKeyHash);
        writeNumber(signed, tbsWithoutPoison.length, 3);
        signed.writeBytes(tbsWithoutPoison);
        writeNumber(signed, 0, 2); // no CT extensions
        byte[] signature = Crypto.sign(key.getPrivate(), signed.toByteArray());

        ByteArrayOutputStream sct = new ByteArrayOutputStream();
        sct.write(SCT_VERSION_V1);
        sct.writeBytes(logId);
        writeNumber(sct, millis, 8);
        writeNumber(sct, 0, 2);
        sct.write(HASH_ALGORITHM_SHA256);
        sct.write(SIGNATURE_ALGORITHM_ECDSA);
        writeNumber(sct, signature.length, 2);
        sct.writeBytes(signature);
        return sct.toByteArray();
    }

    /** The TLS-encoded SignedCertificateTimestampList of {@code scts}: the SCT extension's content. */
    static byte[] sctList(byte[]... scts) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] sct : scts) {
            writeNumber(list, sct.length, 2);
            list.writeBytes(sct);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeNumber(out, list.size(), 2);
        out.writeBytes(list.toByteArray());
        return out.toByteArray();
    }

    private static byte[] withoutPoison(TBSCertificate tbs) {
        Extension[] kept = Arrays.stream(tbs.getExtensions().getExtensionOIDs())
                .filter(oid -> !oid.equals(PRECERTIFICATE_POISON))
                .map(tbs.getExtensions()::getExtension)
                .toArray(Extension[]::new);
        TBSCertificate precertTbs = new TBSCertificate(tbs.getVersion(), tbs.getSerialNumber(),
                tbs.getSignature(), tbs.getIssuer(), tbs.getValidity(), tbs.getSubject(), tbs.getSubjectPublicKeyInfo(),
                tbs.getIssuerUniqueId(), tbs.getSubjectUniqueId(), new Extensions(kept));
        try {
            return precertTbs.getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException("cannot DER-encode a TBSCertificate in memory", e);
        }
    }

    private static void requireSignedBy(X509CertificateHolder precertificate, X509Certificate issuer) {
        try {
            if (!precertificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
                throw new IllegalArgumentException("precertificate is not signed by " + issuer.getSubjectX500Principal());
            }
        } catch (CertException | OperatorCreationException e) {
            throw new IllegalArgumentException("cannot check the precertificate's signature: " + e.getMessage(), e);
        }
    }

    /** A big-endian unsigned number in {@code bytes} bytes, as TLS encodes them. */
    private static void writeNumber(ByteArrayOutputStream out, long value, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xff);
        }
    }
}
