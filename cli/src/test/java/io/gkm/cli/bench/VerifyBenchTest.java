package io.gkm.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.sandbox.SignatureFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyBenchTest {
    private static final Digest IMAGE = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    private static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));
    private static final Digest OTHER = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
    private static final VerifyBench.Sample SAMPLE = new VerifyBench.Sample(SignatureFormat.SIGSTORE_BUNDLE,
            "gkm-bench/cosign-v3-1", IMAGE, CONFIG,
            VerificationRequest.of("bench", "GKMCache", "gkm-bench", "sample", Map.of(),
                    "127.0.0.1:5000/gkm-bench/cosign-v3-1:bench"),
            ImageReference.parse("127.0.0.1:5000/gkm-bench/cosign-v3-1:bench"));

    private static String kind(String rest) {
        return VerifyBench.kind(SAMPLE, "/v2/gkm-bench/cosign-v3-1/" + rest);
    }

    @Test
    void eachRequestIsNamedByWhatItFetched() {
        assertThat(kind("manifests/bench")).isEqualTo(VerifyBench.IMAGE_MANIFEST);
        assertThat(kind("manifests/" + IMAGE)).isEqualTo(VerifyBench.IMAGE_MANIFEST);
        assertThat(kind("blobs/" + CONFIG)).isEqualTo(VerifyBench.CONFIG_BLOB);
        assertThat(kind("blobs/" + OTHER)).isEqualTo(VerifyBench.SIGNATURE_BLOB);
        assertThat(kind("manifests/" + IMAGE.signatureTag())).isEqualTo(VerifyBench.SIG_MANIFEST);
        assertThat(kind("manifests/" + IMAGE.referrersTag())).isEqualTo(VerifyBench.REFERRERS_TAG);
        assertThat(kind("referrers/" + IMAGE)).isEqualTo(VerifyBench.REFERRERS_API);
        assertThat(kind("manifests/" + OTHER)).isEqualTo(VerifyBench.REFERRER_MANIFEST);
        assertThat(VerifyBench.kind(SAMPLE, "/token")).isEqualTo("other (/token)");
    }

    @Test
    void requestsBeyondTheManifestAreCountedByKindAndHeldToTheTarget() {
        VerifyBench.Requests cold = new VerifyBench.Requests(List.of(VerifyBench.IMAGE_MANIFEST,
                VerifyBench.CONFIG_BLOB, VerifyBench.REFERRERS_API, VerifyBench.REFERRERS_TAG,
                VerifyBench.REFERRER_MANIFEST, VerifyBench.SIGNATURE_BLOB));
        VerifyBench.Requests again = new VerifyBench.Requests(List.of(VerifyBench.IMAGE_MANIFEST,
                VerifyBench.REFERRERS_TAG));

        assertThat(cold.manifest()).isEqualTo(1);
        assertThat(cold.beyondManifest()).isEqualTo(5);
        assertThat(cold.beyondByKind()).containsExactly(Map.entry(VerifyBench.CONFIG_BLOB, 1L),
                Map.entry(VerifyBench.REFERRERS_API, 1L), Map.entry(VerifyBench.REFERRERS_TAG, 1L),
                Map.entry(VerifyBench.REFERRER_MANIFEST, 1L), Map.entry(VerifyBench.SIGNATURE_BLOB, 1L));
        assertThat(cold.targetMet()).isFalse();
        assertThat(again.beyondManifest()).isEqualTo(1);
        assertThat(again.targetMet()).isTrue();
    }
}
