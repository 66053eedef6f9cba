package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    private static final String SHA = "sha256:" + "0123456789abcdef".repeat(4);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            nginx                                  | docker.io/library/nginx:latest          | docker.io/nginx:latest
            nginx:1.27                             | docker.io/library/nginx:1.27            | docker.io/nginx:1.27
            bitnami/nginx                          | docker.io/bitnami/nginx:latest          | docker.io/bitnami/nginx:latest
            docker.io/nginx                        | docker.io/library/nginx:latest          | docker.io/nginx:latest
            docker.io/library/nginx:1.27           | docker.io/library/nginx:1.27            | docker.io/library/nginx:1.27
            index.docker.io/nginx                  | docker.io/library/nginx:latest          | index.docker.io/nginx:latest
            quay.io/gkm/cache-examples:rocm        | quay.io/gkm/cache-examples:rocm         | quay.io/gkm/cache-examples:rocm
            localhost/cache                        | localhost/cache:latest                  | localhost/cache:latest
            localhost:5000/a/b/c:v1                | localhost:5000/a/b/c:v1                 | localhost:5000/a/b/c:v1
            127.0.0.1:5000/cache:v1                | 127.0.0.1:5000/cache:v1                 | 127.0.0.1:5000/cache:v1
            [::1]:5000/cache                       | [::1]:5000/cache:latest                 | [::1]:5000/cache:latest
            registry.example:443/team/x__y.z-w:1.0 | registry.example:443/team/x__y.z-w:1.0  | registry.example:443/team/x__y.z-w:1.0
            Registry.Example/team/cache:v1         | Registry.Example/team/cache:v1          | Registry.Example/team/cache:v1
            """)
    void normalisesLikeDockerAndMatchesInKyvernoForm(String input, String normalized, String kyverno) {
        ImageReference reference = ImageReference.parse(input);
        assertThat(reference.normalized()).isEqualTo(normalized);
        assertThat(reference.kyvernoForm()).isEqualTo(kyverno);
    }

    @Test
    void digestDropsTheTagFromBothForms() {
        ImageReference reference = ImageReference.parse("quay.io/gkm/cache-examples:vector-add@" + SHA);
        assertThat(reference.normalized()).isEqualTo("quay.io/gkm/cache-examples@" + SHA);
        assertThat(reference.kyvernoForm()).isEqualTo("quay.io/gkm/cache-examples@" + SHA);
        assertThat(reference.tag()).contains("vector-add");
        assertThat(reference.digest()).contains(SHA);
    }

    @Test
    void bareDigestHasNoTagAndNoLatestDefault() {
        ImageReference reference = ImageReference.parse("nginx@" + SHA);
        assertThat(reference.tag()).isEmpty();
        assertThat(reference.normalized()).isEqualTo("docker.io/library/nginx@" + SHA);
        assertThat(reference.kyvernoForm()).isEqualTo("docker.io/nginx@" + SHA);
    }

    @Test
    void accessorsSplitRegistryRepositoryAndTag() {
        ImageReference reference = ImageReference.parse("localhost:5000/gkm/cache");
        assertThat(reference.registry()).isEqualTo("localhost:5000");
        assertThat(reference.repository()).isEqualTo("gkm/cache");
        assertThat(reference.tag()).contains("latest");
        assertThat(reference.digest()).isEmpty();
        ImageReference hub = ImageReference.parse("index.docker.io/busybox");
        assertThat(hub.registry()).isEqualTo("docker.io");
        assertThat(hub.repository()).isEqualTo("library/busybox");
    }

    @Test
    void lowerCaseFirstSegmentWithoutDotOrPortIsADockerHubNamespaceNotAHost() {
        ImageReference reference = ImageReference.parse("myregistry/cache:v1");
        assertThat(reference.registry()).isEqualTo("docker.io");
        assertThat(reference.repository()).isEqualTo("myregistry/cache");
    }

    @Test
    void sameReferenceWrittenTheSameWayIsEqual() {
        assertThat(ImageReference.parse("nginx:1")).isEqualTo(ImageReference.parse("nginx:1"))
                .hasSameHashCodeAs(ImageReference.parse("nginx:1"))
                .isNotEqualTo(ImageReference.parse("nginx:2"))
                .hasToString("docker.io/library/nginx:1");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            quay.io/GKM/cache                     | repository path "GKM/cache" must be lower case
            Nginx                                 | repository path "Nginx" must be lower case
            ''                                    | empty
            'quay.io/gkm/cache :v1'               | contains whitespace
            quay.io//cache                        | empty path segment
            quay.io/                              | empty path segment
            quay.io/gkm/-cache                    | path segment "-cache" must be lower-case letters
            quay.io/gkm/cache:-v1                 | tag "-v1"
            quay.io/gkm/cache:                    | tag ""
            quay.io/gkm/cache@sha256:abc          | must have 64 lower-case hex digits after sha256:
            quay.io/gkm/cache@md5:0123            | must be sha256:, sha384: or sha512:
            quay.io/gkm/cache@sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789 | lower-case hex
            localhost:99999/cache                 | registry port 99999 is above 65535
            local_host:5000/cache                 | registry "local_host:5000" is not a host name
            registry.example:port/cache           | registry "registry.example:port"
            """)
    void rejectsMalformedReferencesWithTheReason(String input, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageStartingWith("invalid image reference \"" + input + "\": ")
                .hasMessageContaining(reason);
    }

    @Test
    void rejectsANameLongerThan255Characters() {
        String longPath = "quay.io/" + "a".repeat(250);
        assertThatThrownBy(() -> ImageReference.parse(longPath))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageContaining("longer than 255 characters");
    }

    @Test
    void acceptsSha512Digests() {
        String sha512 = "sha512:" + "ab".repeat(64);
        assertThat(ImageReference.parse("quay.io/x@" + sha512).digest()).contains(sha512);
    }
}
