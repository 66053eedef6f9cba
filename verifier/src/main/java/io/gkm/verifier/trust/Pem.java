package io.gkm.verifier.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads PEM text as it appears in policies, trust files and cosign annotations. Several blocks in
 * one text are several entries (Kyverno's rule for {@code publicKeys}).
 */
public final class Pem {
    private Pem() {
    }

    /** Every {@code PUBLIC KEY} block in {@code pem}, at least one. Keys are EC, RSA or Ed25519. */
    public static List<PublicKey> publicKeys(String pem) throws VerificationException {
        List<PublicKey> keys = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
                if (!block.getType().equals("PUBLIC KEY")) {
                    throw new VerificationException(Check.KEY,
                            "expected PEM blocks of type PUBLIC KEY, found " + block.getType());
                }
                keys.add(publicKey(block.getContent()));
            }
        } catch (IOException e) {
            throw new VerificationException(Check.KEY, "unreadable PEM public key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new VerificationException(Check.KEY, "no PEM PUBLIC KEY block found");
        }
        return keys;
    }

    /** The one public key in {@code pem}. */
    public static PublicKey publicKey(String pem) throws VerificationException {
        List<PublicKey> keys = publicKeys(pem);
        if (keys.size() != 1) {
            throw new VerificationException(Check.KEY, "expected one PEM public key, found " + keys.size());
        }
        return keys.get(0);
    }

    /** Every {@code CERTIFICATE} block in {@code pem}, in order; none is an empty list. */
    public static List<X509Certificate> certificates(String pem) throws CertificateException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (!(block instanceof org.bouncycastle.cert.X509CertificateHolder holder)) {
                    throw new CertificateException("expected PEM CERTIFICATE blocks, found "
                            + block.getClass().getSimpleName());
                }
                certificates.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(holder.getEncoded())));
            }
        } catch (IOException e) {
            throw new CertificateException("unreadable PEM certificate: " + e.getMessage(), e);
        }
        return certificates;
    }

    /** A DER SubjectPublicKeyInfo as a JCA key; the algorithm comes from the key's own OID. */
    public static PublicKey publicKey(byte[] subjectPublicKeyInfo) throws VerificationException {
        try {
            ASN1ObjectIdentifier oid = SubjectPublicKeyInfo.getInstance(subjectPublicKeyInfo).getAlgorithm().getAlgorithm();
            String algorithm;
            if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                algorithm = "EC";
            } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                algorithm = "RSA";
            } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
                algorithm = "Ed25519";
            } else {
                throw new VerificationException(Check.KEY, "unsupported public key algorithm " + oid
                        + ": expected EC, RSA or Ed25519");
            }
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
        } catch (IllegalArgumentException | InvalidKeySpecException | NoSuchAlgorithmException e) {
            throw new VerificationException(Check.KEY, "unreadable public key: " + e.getMessage(), e);
        }
    }
}
