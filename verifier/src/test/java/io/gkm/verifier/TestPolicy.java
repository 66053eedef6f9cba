package io.gkm.verifier;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Hand-written ClusterPolicies for what the seed policies do not exercise; every one selects any GKMCache. */
final class TestPolicy {

    private static final String HEADER = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata:
              name: test-policy
            spec:
              validationFailureAction: %s
              rules:
                - name: test-rule
                  match:
                    any:
                      - resources:
                          kinds: [GKMCache, ClusterGKMCache]
                  verifyImages:
            """;

    private TestPolicy() {
    }

    /** Keyed: one entry whose {@code publicKeys} holds {@code keys} fresh keys, with {@code count} if given; no Rekor. */
    static String keyed(int keys, Optional<Integer> count) {
        String pems = IntStream.range(0, keys).mapToObj(i -> pem(freshKey())).collect(Collectors.joining());
        return keyed(pems, count, true);
    }

    /** Keyed with {@code publicKeysPem}; {@code ignoreTlog} false requires a Rekor entry checked against the trust root. */
    static String keyed(String publicKeysPem, Optional<Integer> count, boolean ignoreTlog) {
        return policy("Enforce", """
                - imageReferences: ["*"]
                  attestors:
                    - %sentries:
                        - keys:
                            publicKeys: |-
                %s
                            rekor:
                              url: https://rekor.gkm.test
                              ignoreTlog: %s
                """.formatted(count.map(c -> "count: " + c + "\n      ").orElse(""), indent(publicKeysPem, 14),
                ignoreTlog));
    }

    /**
     * Keyless for {@code type} with the entry's own trust: {@code roots} (CA certificates),
     * {@code rekor.pubkey} and {@code ctlog.pubkey}, so it needs no configured trust root.
     */
    static String keylessWithOwnTrust(String type, String issuer, String subject, String rootsPem, String rekorPem,
            String ctPem) {
        return policy("Enforce", """
                - imageReferences: ["*"]
                  type: %s
                  attestors:
                    - entries:
                        - keyless:
                            issuer: %s
                            subject: %s
                            roots: |-
                %s
                            rekor:
                              url: https://rekor.gkm.test
                              pubkey: |-
                %s
                            ctlog:
                              pubkey: |-
                %s
                """.formatted(type, issuer, subject, indent(rootsPem, 14), indent(rekorPem, 16), indent(ctPem, 16)));
    }

    /** Keyed for {@code type} with the entry's own Rekor key ({@code rekor.pubkey}). */
    static String keyedWithOwnRekorKey(String type, String publicKeyPem, String rekorPem) {
        return policy("Enforce", """
                - imageReferences: ["*"]
                  type: %s
                  attestors:
                    - entries:
                        - keys:
                            publicKeys: |-
                %s
                            rekor:
                              url: https://rekor.gkm.test
                              pubkey: |-
                %s
                """.formatted(type, indent(publicKeyPem, 14), indent(rekorPem, 16)));
    }

    /** Audit, {@code verifyDigest} on and {@code mutateDigest} off: an image must be named by digest. */
    static String noMutateDigest() {
        return policy("Audit", """
                - imageReferences: ["*"]
                  mutateDigest: false
                  verifyDigest: true
                """ + keyedAttestor());
    }

    /** Two {@code verifyImages} entries for every image, each with one keyed entry. */
    static String twoVerifyImages() {
        String entry = """
                - imageReferences: ["*"]
                """;
        return policy("Enforce", entry + keyedAttestor(), entry + keyedAttestor());
    }

    /** Every image of {@code registry.gkm.test} skipped. */
    static String skipping() {
        return policy("Enforce", """
                - imageReferences: ["*"]
                  skipImageReferences: ["registry.gkm.test/*"]
                """ + keyedAttestor());
    }

    /** A one-rule policy with these {@code verifyImages} entries (YAML from column 0). */
    private static String policy(String failureAction, String... verifyImages) {
        StringBuilder yaml = new StringBuilder(HEADER.formatted(failureAction));
        for (String entry : verifyImages) {
            yaml.append(indent(entry, 8)).append('\n');
        }
        return yaml.toString();
    }

    /** {@code attestors} with one keyed entry of a fresh key, indented for a verifyImages entry. */
    private static String keyedAttestor() {
        return """
                  attestors:
                    - entries:
                        - keys:
                            publicKeys: |-
                %s
                """.formatted(indent(pem(freshKey()), 14));
    }

    static PublicKey freshKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    static String indent(String text, int spaces) {
        return text.lines().map(line -> " ".repeat(spaces) + line).collect(Collectors.joining("\n"));
    }
}
