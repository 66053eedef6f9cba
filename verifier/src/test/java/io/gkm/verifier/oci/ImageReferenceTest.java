package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void registryWithPortRepositoryPathAndTag() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/gkm/vector-add-cache:rocm");
        assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(r.repository()).isEqualTo("gkm/vector-add-cache");
        assertThat(r.tag()).contains("rocm");
        assertThat(r.digest()).isEmpty();
        assertThat(r.apiHost()).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void dockerHubDefaultsAsDockerDoesThem() {
        ImageReference r = ImageReference.parse("nginx");
        assertThat(r).hasToString("docker.io/library/nginx:latest");
        assertThat(r.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("gkm/cache:v1").name()).isEqualTo("docker.io/gkm/cache");
        assertThat(ImageReference.parse("index.docker.io/library/busybox").registry()).isEqualTo("docker.io");
    }

    @Test
    void localhostIsARegistryNotADockerHubNamespace() {
        ImageReference r = ImageReference.parse("localhost/cache:1");
        assertThat(r.registry()).isEqualTo("localhost");
        assertThat(r.repository()).isEqualTo("cache");
    }

    @Test
    void digestWithoutTagGetsNoLatestAndATagBesideADigestIsKept() {
        assertThat(ImageReference.parse("quay.io/gkm/cache@" + DIGEST).tag()).isEmpty();
        ImageReference both = ImageReference.parse("quay.io/gkm/cache:rocm@" + DIGEST);
        assertThat(both.tag()).contains("rocm");
        assertThat(both.digest()).contains(Digest.parse(DIGEST));
        assertThat(both.withDigest(Digest.parse(DIGEST))).hasToString("quay.io/gkm/cache@" + DIGEST);
    }

    @Test
    void badReferencesFailNamingThePart() {
        assertThatThrownBy(() -> ImageReference.parse("http://127.0.0.1:5000/a:b"))
                .hasMessageContaining("scheme").hasMessageContaining("GKM_INSECURE_REGISTRIES");
        assertThatThrownBy(() -> ImageReference.parse("quay.io/GKM/cache")).hasMessageContaining("invalid repository");
        assertThatThrownBy(() -> ImageReference.parse("quay.io/gkm/cache:bad/tag"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("quay.io/gkm/cache@sha256:123")).hasMessageContaining("digest");
    }
}
