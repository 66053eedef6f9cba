package io.gkm.cli.demo;

import io.gkm.verifier.sandbox.SigningIdentity;

/** Who signs the demo's images, keyless, with certificates of the demo's throw-away sandbox Fulcio. */
final class DemoSigners {
    /** The caches' CI workflow: signs the cosign v2 image; the v2 and ClusterGKMCache policies trust it. */
    static final SigningIdentity CI = SigningIdentity.uri(
            "https://ci.gkm.demo/caches/.github/workflows/build.yaml@refs/heads/main", "https://ci-oidc.gkm.demo");
    /** A release engineer: signs the cosign v3 image; the v3 policy trusts her. */
    static final SigningIdentity RELEASE = SigningIdentity.email("release@gkm.demo", "https://oidc.gkm.demo");
    /** Someone else with a certificate from the same Fulcio: a valid signature, but no policy trusts it. */
    static final SigningIdentity STRANGER = SigningIdentity.uri(
            "https://ci.elsewhere.example/forks/caches/.github/workflows/build.yaml@refs/heads/main",
            "https://ci-oidc.gkm.demo");

    private DemoSigners() {
    }
}
