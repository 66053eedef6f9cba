package io.gkm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    private static final String SHA = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String DIGEST = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

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
            MyRegistry/cache                       | MyRegistry/cache:latest                 | MyRegistry/cache:latest
            """)
    void normalisesLikeDockerAndMatchesInKyvernoForm(String input, String normalized, String kyverno) {
        ImageReference reference = ImageReference.parse(input);
        assertThat(reference.normalized()).isEqualTo(normalized);
        assertThat(reference.kyvernoForm()).isEqualTo(kyverno);
    }

    @Test
    void dockerHubDefaultsAsDockerDoesThem() {
        ImageReference r = ImageReference.parse("nginx");
        assertThat(r).hasToString("docker.io/library/nginx:latest");
        assertThat(r.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("gkm/cache:v1").name()).isEqualTo("docker.io/gkm/cache");
        assertThat(ImageReference.parse("index.docker.io/library/busybox").registry()).isEqualTo("docker.io");
        ImageReference hub = ImageReference.parse("index.docker.io/busybox");
        assertThat(hub.registry()).isEqualTo("docker.io");
        assertThat(hub.repository()).isEqualTo("library/busybox");
        assertThat(hub.apiHost()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void localhostIsARegistryNotADockerHubNamespace() {
        ImageReference r = ImageReference.parse("localhost/cache:1");
        assertThat(r.registry()).isEqualTo("localhost");
        assertThat(r.repository()).isEqualTo("cache");
    }

    @Test
    void lowerCaseFirstSegmentWithoutDotOrPortIsADockerHubNamespaceNotAHost() {
        ImageReference reference = ImageReference.parse("myregistry/cache:v1");
        assertThat(reference.registry()).isEqualTo("docker.io");
        assertThat(reference.repository()).isEqualTo("myregistry/cache");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:5000/gkm/vector-add-cache:rocm | 127.0.0.1:5000 | gkm/vector-add-cache | rocm
            localhost:5000/gkm/cache                 | localhost:5000 | gkm/cache            | latest
            """)
    void accessorsSplitRegistryRepositoryAndTag(String input, String registry, String repository, String tag) {
        ImageReference reference = ImageReference.parse(input);
        assertThat(reference.registry()).isEqualTo(registry).isEqualTo(reference.apiHost());
        assertThat(reference.repository()).isEqualTo(repository);
        assertThat(reference.tag()).contains(tag);
        assertThat(reference.digest()).isEmpty();
    }

    @Test
    void digestDropsTheTagFromBothForms() {
        ImageReference reference = ImageReference.parse("quay.io/gkm/cache-examples:vector-add@" + SHA);
        assertThat(reference.normalized()).isEqualTo("quay.io/gkm/cache-examples@" + SHA);
        assertThat(reference.kyvernoForm()).isEqualTo("quay.io/gkm/cache-examples@" + SHA);
        assertThat(reference.tag()).contains("vector-add");
        assertThat(reference.digest()).contains(Digest.parse(SHA));
    }

    @Test
    void bareDigestHasNoTagAndNoLatestDefault() {
        ImageReference reference = ImageReference.parse("nginx@" + SHA);
        assertThat(reference.tag()).isEmpty();
        assertThat(reference.normalized()).isEqualTo("docker.io/library/nginx@" + SHA);
        assertThat(reference.kyvernoForm()).isEqualTo("docker.io/nginx@" + SHA);
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
    void whatKyvernosMutateDigestWritesMatchesByDigestAndPrintsWhole() {
        ImageReference mutated = ImageReference.parse("docker.io/nginx:latest@" + SHA);
        assertThat(mutated.kyvernoForm()).isEqualTo("docker.io/nginx@" + SHA);
        assertThat(mutated.normalized()).isEqualTo("docker.io/library/nginx@" + SHA);
        assertThat(mutated).hasToString("docker.io/library/nginx:latest@" + SHA);
    }

    @Test
    void withTagAndWithDigestKeepTheRegistryAsWritten() {
        ImageReference written = ImageReference.parse("index.docker.io/nginx@" + SHA);
        ImageReference tagged = written.withTag("1.27");
        assertThat(tagged.kyvernoForm()).isEqualTo("index.docker.io/nginx:1.27");
        assertThat(tagged.digest()).isEmpty();
        assertThat(tagged.withDigest(Digest.parse(DIGEST)).kyvernoForm()).isEqualTo("index.docker.io/nginx@" + DIGEST);
        assertThatThrownBy(() -> written.withTag("-v1"))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessage("invalid image reference \"index.docker.io/nginx:-v1\": tag \"-v1\" must be 1 to 128"
                        + " letters, digits, '_', '.' or '-', not starting with '.' or '-'");
    }

    @Test
    void ofNamesARepositoryWithoutTagOrDigest() {
        ImageReference repository = ImageReference.of("127.0.0.1:5000", "gkm/cache");
        assertThat(repository.tag()).isEmpty();
        assertThat(repository.digest()).isEmpty();
        assertThat(repository).hasToString("127.0.0.1:5000/gkm/cache");
        assertThat(repository.normalized()).isEqualTo("127.0.0.1:5000/gkm/cache");
        assertThat(repository.withTag("v1")).isEqualTo(ImageReference.parse("127.0.0.1:5000/gkm/cache:v1"));
        assertThat(ImageReference.of("docker.io", "nginx").name()).isEqualTo("docker.io/library/nginx");
    }

    @Test
    void ofRefusesARegistryThatWouldReadAsADockerHubNamespace() {
        assertThatThrownBy(() -> ImageReference.of("registryhost", "gkm/cache"))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageStartingWith("invalid image reference \"registryhost/gkm/cache\": ")
                .hasMessageContaining("would be read as a Docker Hub namespace");
        assertThatThrownBy(() -> ImageReference.of("quay.io", "gkm/cache:v1"))
                .hasMessageContaining("path segment \"cache:v1\"");
    }

    @Test
    void sameReferenceWrittenTheSameWayIsEqual() {
        assertThat(ImageReference.parse("nginx:1")).isEqualTo(ImageReference.parse("nginx:1"))
                .hasSameHashCodeAs(ImageReference.parse("nginx:1"))
                .isNotEqualTo(ImageReference.parse("nginx:2"))
                .hasToString("docker.io/library/nginx:1");
    }

    @Test
    void theSameImageWrittenTwoWaysIsNotEqualBecauseKyvernoMatchesItDifferently() {
        ImageReference shortForm = ImageReference.parse("nginx:1");
        ImageReference longForm = ImageReference.parse("docker.io/library/nginx:1");
        assertThat(shortForm).isNotEqualTo(longForm);
        assertThat(shortForm.normalized()).isEqualTo(longForm.normalized());
        assertThat(shortForm.kyvernoForm()).isNotEqualTo(longForm.kyvernoForm());
    }

    @Test
    void aSchemeIsRefusedSayingHowPlainHttpIsChosen() {
        assertThatThrownBy(() -> ImageReference.parse("http://127.0.0.1:5000/a:b"))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageContaining("scheme").hasMessageContaining("GKM_INSECURE_REGISTRIES");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            quay.io/GKM/cache                     | repository path "GKM/cache" must be lower case
            Nginx                                 | repository path "Nginx" must be lower case
            ''                                    | empty
            'quay.io/gkm/cache :v1'               | contains whitespace
            ' nginx'                              | contains whitespace
            quay.io//cache                        | empty path segment
            quay.io/                              | empty path segment
            quay.io/gkm/-cache                    | path segment "-cache" must be lower-case letters
            quay.io/gkm/cache:bad/tag             | path segment "cache:bad" must be lower-case letters
            quay.io/gkm/cache:-v1                 | tag "-v1"
            quay.io/gkm/cache:                    | tag ""
            quay.io/gkm/cache@sha256:abc          | must have 64 lower-case hex digits after sha256:
            quay.io/gkm/cache@sha256:123          | digest "sha256:123" must have 64
            quay.io/gkm/cache@md5:0123            | must be sha256:, sha384: or sha512:
            quay.io/gkm/cache@sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789 | lower-case hex
            localhost:99999/cache                 | registry port 99999 is above 65535
            local_host:5000/cache                 | registry "local_host:5000" is not a host name
            registry.example:port/cache           | registry "registry.example:port"
            [::ffff:10.0.0.1]:5000/cache          | registry "[::ffff:10.0.0.1]:5000" is not a host name
            """)
    void rejectsMalformedReferencesWithTheReason(String input, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageStartingWith("invalid image reference \"" + input + "\": ")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((InvalidImageReferenceException) e).reference()).isEqualTo(input));
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
        assertThat(ImageReference.parse("quay.io/x@" + sha512).digest()).contains(Digest.parse(sha512));
    }

    @Test
    void nullIsAProgrammingErrorNotBadInput() {
        assertThatThrownBy(() -> ImageReference.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
