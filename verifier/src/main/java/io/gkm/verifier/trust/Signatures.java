package io.gkm.verifier.trust;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a raw signature over content with the algorithms cosign and Sigstore clients use:
 * ECDSA (ASN.1 DER), RSA PKCS#1 v1.5 with SHA-256, and Ed25519.
 *
 * <p>Not sigstore-java's {@code Verifiers}: its ECDSA verifier always hashes with SHA-256, while
 * Sigstore clients sign with P-384 / P-521 keys using SHA-384 / SHA-512. cosign v2 signs with
 * SHA-256 whatever the curve, so for those curves both hashes are tried.
 */
public final class Signatures {
    private Signatures() {
    }

    /**
     * Throws {@link Check#SIGNATURE} unless {@code signature} is {@code key}'s signature over
     * {@code content}; {@code what} names the signed thing in the message.
     */
    public static void verify(PublicKey key, byte[] content, byte[] signature, String what)
            throws VerificationException {
        List<String> algorithms = algorithmsFor(key);
        for (String algorithm : algorithms) {
            try {
                Signature verifier = Signature.getInstance(algorithm);
                verifier.initVerify(key);
                verifier.update(content);
                if (verifier.verify(signature)) {
                    return;
                }
            } catch (GeneralSecurityException e) {
                // A malformed signature (bad DER, wrong length) is as invalid as a wrong one.
            }
        }
        throw new VerificationException(Check.SIGNATURE, what + " signature does not verify with the "
                + describe(key) + " (tried " + String.join(", ", algorithms) + ")");
    }

    /** {@code EC P-256 key}, {@code RSA 4096-bit key}, {@code Ed25519 key}. */
    private static String describe(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return "EC P-" + ec.getParams().getCurve().getField().getFieldSize() + " key";
        }
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + "-bit key";
        }
        return key.getAlgorithm() + " key";
    }

    private static List<String> algorithmsFor(PublicKey key) throws VerificationException {
        List<String> algorithms = new ArrayList<>();
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits > 384) {
                algorithms.add("SHA512withECDSA");
            } else if (bits > 256) {
                algorithms.add("SHA384withECDSA");
            }
            algorithms.add("SHA256withECDSA");
        } else if (key.getAlgorithm().equals("RSA")) {
            algorithms.add("SHA256withRSA");
        } else if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
            algorithms.add("Ed25519");
        } else {
            throw new VerificationException(Check.KEY, "unsupported key algorithm " + key.getAlgorithm()
                    + ": expected EC, RSA or Ed25519");
        }
        return algorithms;
    }
}
