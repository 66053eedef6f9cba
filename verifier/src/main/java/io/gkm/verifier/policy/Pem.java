package io.gkm.verifier.policy;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** PEM text in policies: split into blocks and checked at load time, so a pasted-wrong key fails early. */
final class Pem {

    static final String PUBLIC_KEY = "PUBLIC KEY";
    static final String CERTIFICATE = "CERTIFICATE";

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private Pem() {}

    /**
     * The PEM blocks of {@code type} in {@code text}, each as written from BEGIN to END.
     *
     * @throws IllegalArgumentException when there is none, another type, text between blocks, or
     *                                  a block that does not decode as a {@code type}
     */
    static List<String> blocks(String text, String type) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        int end = 0;
        while (m.find()) {
            if (!text.substring(end, m.start()).isBlank()) {
                throw new IllegalArgumentException("text outside PEM blocks");
            }
            if (!m.group(1).equals(type)) {
                throw new IllegalArgumentException("PEM block " + (blocks.size() + 1) + " is a " + m.group(1)
                        + ", expected " + type);
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(m.group(2).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block " + (blocks.size() + 1) + " is not valid base64");
            }
            check(der, type, blocks.size() + 1);
            blocks.add(m.group());
            end = m.end();
        }
        if (!text.substring(end).isBlank()) {
            throw new IllegalArgumentException(
                    blocks.isEmpty() ? "no PEM " + type + " block" : "text outside PEM blocks");
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no PEM " + type + " block");
        }
        return blocks;
    }

    private static void check(byte[] der, String type, int index) {
        try {
            if (type.equals(PUBLIC_KEY)) {
                SubjectPublicKeyInfo.getInstance(ASN1Sequence.getInstance(der));
            } else {
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            }
        } catch (CertificateException | RuntimeException e) { // BouncyCastle reports bad DER with several runtime types
            throw new IllegalArgumentException("PEM block " + index + " is not a valid " + type.toLowerCase(Locale.ROOT)
                    + ": " + e.getMessage());
        }
    }
}
