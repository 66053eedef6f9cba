package io.gkm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void sha256OfContentIsTheDigestOfThoseBytes() {
        Digest d = Digest.sha256("test".getBytes(StandardCharsets.UTF_8));
        assertThat(d).hasToString("sha256:" + HEX);
        assertThat(d.matches("test".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(d.matches("tesT".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void recomputeHashesWithTheDigestsOwnAlgorithm() {
        Digest sha512 = Digest.parse("sha512:" + HEX + HEX);
        Digest recomputed = sha512.recompute("test".getBytes(StandardCharsets.UTF_8));
        assertThat(recomputed.algorithm()).isEqualTo("sha512");
        assertThat(recomputed.encoded()).hasSize(128);
        assertThat(recomputed.matches("test".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void parseRejectsWhatIsNotADigestAndSaysWhatIsExpected() {
        assertThatThrownBy(() -> Digest.parse("sha256:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:<64 hex>");
        assertThatThrownBy(() -> Digest.parse(HEX)).hasMessageContaining("not a valid digest");
        assertThatThrownBy(() -> Digest.parse("md5:" + HEX.substring(0, 32))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("sha256:" + HEX.toUpperCase())).hasMessageContaining("lower-case hex");
        assertThatThrownBy(() -> Digest.parse("sha2560:" + HEX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("blake3:" + HEX)).hasMessageContaining("use sha256");
    }

    @Test
    void theErrorNamesTheDigestAndTheReasonApart() {
        assertThatThrownBy(() -> Digest.parse("sha256:abc"))
                .isInstanceOfSatisfying(InvalidImageReferenceException.class, e -> {
                    assertThat(e.reference()).isEqualTo("sha256:abc");
                    assertThat(e.reason()).isEqualTo(
                            "must have 64 lower-case hex digits after sha256: (expected sha256:<64 hex>)");
                    assertThat(e).hasMessage("not a valid digest \"sha256:abc\": " + e.reason());
                });
        assertThatThrownBy(() -> new Digest("sha256", "abc")).isInstanceOf(InvalidImageReferenceException.class);
    }

    @Test
    void tagsFollowTheReferrersTagSchemaAndCosignsSignatureTag() {
        Digest d = Digest.parse("sha256:" + HEX);
        assertThat(d.referrersTag()).isEqualTo("sha256-" + HEX);
        assertThat(d.signatureTag()).isEqualTo("sha256-" + HEX + ".sig");
        Digest long512 = Digest.parse("sha512:" + HEX + HEX);
        assertThat(long512.referrersTag()).isEqualTo("sha512-" + HEX).hasSizeLessThanOrEqualTo(128);
    }
}
