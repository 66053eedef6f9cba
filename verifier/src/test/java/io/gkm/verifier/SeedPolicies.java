package io.gkm.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.testkit.Fixtures;
import io.gkm.verifier.sandbox.SigningIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The seed's three Kyverno policies (fixtures {@code gkm/config/kyverno/policies}) with their
 * issuer and subject replaced by test identities, written to a temporary folder; the fixtures
 * stay as they are. Each replacement asserts that the text it replaces is still in the seed.
 */
final class SeedPolicies {
    static final String FOLDER = "gkm/config/kyverno/policies";

    /** Who signs for the v2 policy: a CI workflow (URI subject), as the seed's GitHub Actions identity. */
    static final SigningIdentity V2_SIGNER = SigningIdentity.uri(
            "https://ci.gkm.test/caches/.github/workflows/build.yaml@refs/heads/main", "https://ci-oidc.gkm.test");
    /** Who signs for the v3 policy: a person (e-mail subject), as the seed's GitHub login identity. */
    static final SigningIdentity V3_SIGNER = SigningIdentity.email("release@gkm.test", "https://oidc.gkm.test");
    /** Who signs for the ClusterGKMCache policy. */
    static final SigningIdentity CLUSTER_SIGNER = SigningIdentity.uri(
            "https://ci.gkm.test/gkm/caches", "https://ci-oidc.gkm.test");

    private SeedPolicies() {
    }

    /** The edited copies of the three seed policies in {@code dir}, which is returned. */
    static Path writeTo(Path dir) {
        write(dir, "gkmcache-policy-v2.yaml",
                "issuer: https://token.actions.githubusercontent.com", "issuer: " + V2_SIGNER.issuer(),
                "subjectRegExp: \"https://github.com/.*\"", "subjectRegExp: \"^https://ci[.]gkm[.]test/caches/.*\"");
        write(dir, "gkmcache-policy-v3.yaml",
                "issuer: https://github.com/login/oauth", "issuer: " + V3_SIGNER.issuer(),
                "subject: mtahhan@redhat.com", "subject: " + V3_SIGNER.subject());
        write(dir, "clustergkmcache-policy.yaml",
                "issuer: https://token.actions.githubusercontent.com", "issuer: " + CLUSTER_SIGNER.issuer(),
                "subject: https://github.com/*/*", "subject: https://ci.gkm.test/*/*");
        return dir;
    }

    private static void write(Path dir, String file, String... findAndReplace) {
        try {
            String text = Files.readString(Fixtures.path(FOLDER + "/" + file));
            for (int i = 0; i < findAndReplace.length; i += 2) {
                assertThat(text).as("seed policy %s still holds the text this test edits", file)
                        .contains(findAndReplace[i]);
                text = text.replace(findAndReplace[i], findAndReplace[i + 1]);
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
