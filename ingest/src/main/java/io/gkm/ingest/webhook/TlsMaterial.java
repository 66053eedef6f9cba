package io.gkm.ingest.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * A PEM certificate chain and private key, read from files (as mounted from a Secret) and checked to
 * belong together, so that a half-rotated pair (new certificate, old key) is never served.
 */
public final class TlsMaterial {
    private static final String[] KEY_TYPES = {"RSA", "EC", "EdDSA", "Ed25519"};

    private final PemKeyCertOptions options;
    private final X509Certificate certificate;
    private final byte[] fingerprint;

    private TlsMaterial(PemKeyCertOptions options, X509Certificate certificate, byte[] fingerprint) {
        this.options = options;
        this.certificate = certificate;
        this.fingerprint = fingerprint;
    }

    /**
     * Reads and checks a pair. Blocking (file I/O).
     *
     * @throws IllegalArgumentException saying which file is unreadable or that the key does not match
     */
    public static TlsMaterial read(Vertx vertx, Path certFile, Path keyFile) {
        return readIfChanged(vertx, certFile, keyFile, null).orElseThrow();
    }

    /**
     * Reads and checks a pair unless both files still hold what {@code current} was read from: then
     * empty, having only hashed the bytes (parsing a key and checking it against its certificate
     * costs far more, and the files are polled). Blocking (file I/O).
     *
     * @param current the pair served now; null reads in any case
     * @throws IllegalArgumentException saying which file is unreadable or that the key does not match
     */
    public static Optional<TlsMaterial> readIfChanged(Vertx vertx, Path certFile, Path keyFile, TlsMaterial current) {
        byte[] cert;
        byte[] key;
        try {
            cert = Files.readAllBytes(certFile);
            key = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the webhook's TLS files " + certFile + " and " + keyFile
                    + ": " + e, e);
        }
        byte[] fingerprint = sha256(cert, key);
        if (current != null && Arrays.equals(fingerprint, current.fingerprint)) {
            return Optional.empty();
        }
        PemKeyCertOptions options = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key));
        X509KeyManager keyManager;
        try {
            KeyManagerFactory factory = options.getKeyManagerFactory(vertx);
            keyManager = x509(factory.getKeyManagers());
        } catch (Exception e) {
            throw new IllegalArgumentException(certFile + " and " + keyFile + " are not a PEM certificate chain and "
                    + "private key: " + e.getMessage(), e);
        }
        for (String keyType : KEY_TYPES) {
            String[] aliases = keyManager.getServerAliases(keyType, null);
            if (aliases == null || aliases.length == 0) {
                continue;
            }
            X509Certificate leaf = keyManager.getCertificateChain(aliases[0])[0];
            PrivateKey privateKey = keyManager.getPrivateKey(aliases[0]);
            if (!signsFor(privateKey, leaf)) {
                throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate "
                        + leaf.getSubjectX500Principal() + " in " + certFile + " (a rotation half done?)");
            }
            return Optional.of(new TlsMaterial(options, leaf, fingerprint));
        }
        throw new IllegalArgumentException(keyFile + " holds no RSA, EC or EdDSA private key for " + certFile);
    }

    public PemKeyCertOptions keyCertOptions() {
        return options;
    }

    /** The certificate presented to clients. */
    public X509Certificate certificate() {
        return certificate;
    }

    private static X509KeyManager x509(KeyManager[] managers) {
        for (KeyManager m : managers) {
            if (m instanceof X509KeyManager x) {
                return x;
            }
        }
        throw new IllegalArgumentException("no X.509 key manager");
    }

    private static boolean signsFor(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "gkm-webhook-key-check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] cert, byte[] key) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(cert);
            d.update((byte) 0);
            d.update(key);
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
