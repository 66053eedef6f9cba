package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.image.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private static Manifest parse(String json, String contentType) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return Manifest.parse(Digest.sha256(bytes), bytes, contentType, "test manifest");
    }

    @Test
    void dockerImageManifestWithConfigAndLayers() {
        Manifest m = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"digest\":\"" + D1 + "\",\"size\":502},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\""
                + D2 + "\",\"size\":1234}]}", "application/json");
        assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(m.isIndex()).isFalse();
        assertThat(m.config().size()).isEqualTo(502);
        assertThat(m.layers()).singleElement().satisfies(l -> assertThat(l.digest()).hasToString(D2));
        assertThat(m.effectiveArtifactType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
    }

    @Test
    void ociArtifactWithSubjectArtifactTypeAndLayerAnnotations() {
        Manifest m = parse("{\"schemaVersion\":2,\"artifactType\":\"" + MediaTypes.SIGSTORE_BUNDLE_V03 + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + D1 + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.SIGSTORE_BUNDLE_V03 + "\",\"digest\":\"" + D2
                + "\",\"size\":10,\"annotations\":{\"k\":\"v\"}}],"
                + "\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + D1 + "\",\"size\":5}}",
                MediaTypes.OCI_MANIFEST + "; charset=utf-8");
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.artifactType()).isEqualTo(MediaTypes.SIGSTORE_BUNDLE_V03);
        assertThat(m.subject().digest()).hasToString(D1);
        assertThat(m.layers().get(0).annotations()).containsEntry("k", "v");
    }

    @Test
    void indexEntriesKeepTheirArtifactType() {
        Manifest m = parse("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + D2 + "\",\"size\":9,"
                + "\"artifactType\":\"" + MediaTypes.SIGSTORE_BUNDLE_V03 + "\"}]}", null);
        assertThat(m.isIndex()).isTrue();
        assertThat(m.config()).isNull();
        assertThat(m.manifests()).singleElement()
                .satisfies(d -> assertThat(d.artifactType()).isEqualTo(MediaTypes.SIGSTORE_BUNDLE_V03));
    }

    @Test
    void bytesAreACopyOfWhatWasVerified() {
        Manifest m = parse("{\"schemaVersion\":2,\"manifests\":[]}", null);
        m.bytes()[0] = 'X';
        assertThat(m.bytes()[0]).isEqualTo((byte) '{');
    }

    @Test
    void whatIsNotAManifestIsInvalidContent() {
        for (String bad : new String[] {"not json", "[]", "{\"schemaVersion\":1}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"}",
                "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:12\",\"size\":1}}"}) {
            assertThatThrownBy(() -> parse(bad, null)).as(bad)
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INVALID_CONTENT))
                    .hasMessageContaining("test manifest");
        }
    }
}
