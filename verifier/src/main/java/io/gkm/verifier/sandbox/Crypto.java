package io.gkm.verifier.sandbox;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** The few primitives the test Sigstore needs, on the JDK's providers: EC keys, ECDSA, SHA-256, PEM. */
final class Crypto {
    /** Fulcio, Rekor and CT logs sign with P-256 (leaves, logs) and P-384 (CA keys). */
    static final String P256 = "secp256r1";
    static final String P384 = "secp384r1";

    private Crypto() {
    }

    static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's SunEC provider has " + curve, e);
        }
    }

    /** The JCA signature algorithm for an EC key: the hash that matches its curve, as Sigstore clients pick it. */
    static String signatureAlgorithm(PrivateKey key) {
        int bits = ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize();
        return bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }

    /** An ASN.1 DER ECDSA signature over {@code content}. */
    static byte[] sign(PrivateKey key, byte[] content) {
        try {
            Signature signer = Signature.getInstance(signatureAlgorithm(key));
            signer.initSign(key);
            signer.update(content);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an EC key", e);
        }
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate this test kit made cannot be encoded", e);
        }
    }

    /** PEM blocks of {@code objects} (certificates, public keys), one after the other. */
    static String pem(List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PEM to memory", e);
        }
        return out.toString();
    }

    static String pem(X509Certificate certificate) {
        return pem(List.of(certificate));
    }

    static String pem(PublicKey key) {
        return pem(List.of(key));
    }
}
