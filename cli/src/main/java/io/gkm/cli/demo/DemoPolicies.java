package io.gkm.cli.demo;

import io.gkm.verifier.sandbox.SandboxRekor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Kyverno ClusterPolicies the demo verifies with, written as files (GKM_POLICIES names their
 * folder, as deploy mounts GKM's): shaped like GKM's seed policies (v2 for GKMCaches labelled
 * {@code cosign-v2}, with an unanchored subject regexp; v3 for {@code cosign-v3}, type
 * SigstoreBundle; one for every ClusterGKMCache), each trusting a {@link DemoSigners} identity and
 * naming the sandbox Rekor, whose key comes from the demo's trusted root.
 */
final class DemoPolicies {
    private DemoPolicies() {
    }

    /** Writes the three policies into {@code dir}; returns the files. */
    static List<Path> write(Path dir) {
        try {
            Files.createDirectories(dir);
            return List.of(
                    Files.writeString(dir.resolve("gkmcache-policy-v2.yaml"), gkmCache("verify-gkmcache-images-v2",
                            "verify-v2-signature-images", "cosign-v2", "Cosign", "issuer: " + DemoSigners.CI.issuer(),
                            "subjectRegExp: \"^https://ci[.]gkm[.]demo/\"")),
                    Files.writeString(dir.resolve("gkmcache-policy-v3.yaml"), gkmCache("verify-gkmcache-images-v3",
                            "verify-v3-bundle-images", "cosign-v3", "SigstoreBundle",
                            "issuer: " + DemoSigners.RELEASE.issuer(), "subject: " + DemoSigners.RELEASE.subject())),
                    Files.writeString(dir.resolve("clustergkmcache-policy.yaml"), clusterGkmCache()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's policies into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String gkmCache(String name, String rule, String label, String type, String issuer,
            String subject) {
        return """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata:
                  name: %s
                spec:
                  validationFailureAction: Enforce
                  background: true
                  rules:
                    - name: %s
                      match:
                        any:
                          - resources:
                              kinds:
                                - GKMCache
                              selector:
                                matchLabels:
                                  gkm.io/signature-format: %s
                      imageExtractors:
                        GKMCache:
                          - path: /spec/image
                      verifyImages:
                        - imageReferences:
                            - "*"
                          type: %s
                          mutateDigest: true
                          attestors:
                            - count: 1
                              entries:
                                - keyless:
                                    %s
                                    %s
                                    rekor:
                                      url: %s
                """.formatted(name, rule, label, type, issuer, subject, SandboxRekor.BASE_URL);
    }

    private static String clusterGkmCache() {
        return """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata:
                  name: verify-clustergkmcache-images
                spec:
                  validationFailureAction: Enforce
                  background: true
                  rules:
                    - name: verify-and-mutate-image
                      match:
                        any:
                          - resources:
                              kinds:
                                - ClusterGKMCache
                      verifyImages:
                        - imageReferences:
                            - "*"
                          mutateDigest: true
                          attestors:
                            - count: 1
                              entries:
                                - keyless:
                                    issuer: %s
                                    subject: https://ci.gkm.demo/*
                                    rekor:
                                      url: %s
                """.formatted(DemoSigners.CI.issuer(), SandboxRekor.BASE_URL);
    }
}
