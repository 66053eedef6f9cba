package io.gkm.cli;

import io.gkm.verifier.sandbox.SandboxRekor;
import io.gkm.verifier.sandbox.SigningIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Kyverno policy file as a user would write it, trusting a sandbox signer, for the commands that load GKM_POLICIES. */
final class SandboxPolicyFile {
    private SandboxPolicyFile() {
    }

    /**
     * Writes {@code <dir>/gkmcache-v3.yaml}: GKMCaches labelled {@code gkm.io/signature-format=cosign-v3},
     * keyless, signed by {@code signer} and logged in the sandbox Rekor; returns the file.
     */
    static Path gkmCacheV3(Path dir, SigningIdentity signer) throws IOException {
        return Files.writeString(Files.createDirectories(dir).resolve("gkmcache-v3.yaml"), """
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata:
                  name: verify-gkmcache-images-v3-it
                spec:
                  validationFailureAction: Enforce
                  rules:
                    - name: verify-v3-bundle-images
                      match:
                        any:
                          - resources:
                              kinds: [GKMCache]
                              selector:
                                matchLabels:
                                  gkm.io/signature-format: cosign-v3
                      imageExtractors:
                        GKMCache:
                          - path: /spec/image
                      verifyImages:
                        - type: SigstoreBundle
                          imageReferences: ["*"]
                          mutateDigest: true
                          attestors:
                            - count: 1
                              entries:
                                - keyless:
                                    issuer: %s
                                    subject: %s
                                    rekor:
                                      url: %s
                """.formatted(signer.issuer(), signer.subject(), SandboxRekor.BASE_URL));
    }
}
