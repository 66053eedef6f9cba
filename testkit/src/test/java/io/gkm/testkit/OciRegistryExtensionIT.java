package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

@WithOciRegistry
class OciRegistryExtensionIT {

    private static final String GKM_IMAGE = "gkm/mcv/example/vector-add-cache-rocm.tar";
    /** The config blob of the fixture image: `docker save` names it by its sha256. */
    private static final String GKM_IMAGE_CONFIG =
            "sha256:8ce4bc2e98abfa8c0a5a6f6046c1c7bc8ac09805ecb029427a995dc2897828f8";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static OciRegistry fromBeforeAll;

    @BeforeAll
    static void remember(OciRegistry registry) {
        fromBeforeAll = registry;
    }

    @Test
    void servesTheDistributionApiOnLoopbackWithStorageInATempDir(OciRegistry registry) throws Exception {
        assertThat(registry).isSameAs(fromBeforeAll);
        assertThat(registry.hostPort()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(registry.baseUri().toString()).isEqualTo("http://" + registry.hostPort() + "/");
        HttpResponse<String> v2 = HTTP.send(HttpRequest.newBuilder(registry.baseUri().resolve("v2/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(v2.statusCode()).isEqualTo(200);
        assertThat(v2.headers().firstValue("Docker-Distribution-Api-Version")).hasValue("registry/2.0");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        assertThat(registry.storageDir()).isDirectory();
        assertThat(registry.storageDir().toRealPath()).startsWith(tmp);
        assertThat(registry.storageDir().getParent().resolve("config.yml")).content()
                .contains("rootdirectory: " + registry.storageDir())
                .contains("addr: " + registry.hostPort());
    }

    @Test
    void pushBlobAndOciManifestThenResolveAndReadBack(OciRegistry registry) throws Exception {
        String repo = registry.uniqueRepository("testkit/oci");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[4096];
        new Random(42).nextBytes(layer);

        String configDigest = registry.pushBlob(config);
        String layerDigest = registry.pushBlob(layer);
        assertThat(configDigest).isEqualTo(OciRegistry.digestOf(config)).matches("sha256:[0-9a-f]{64}");
        assertThat(layerDigest).isEqualTo(OciRegistry.digestOf(layer));

        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String digest = registry.pushManifest(repo, "v1", OciRegistry.OCI_MANIFEST, manifest);

        assertThat(digest).isEqualTo(OciRegistry.digestOf(manifest));
        assertThat(registry.resolve(repo, "v1")).hasValue(digest);
        assertThat(registry.resolve(repo, digest)).hasValue(digest);
        assertThat(registry.resolve(repo, "no-such-tag")).isEmpty();

        // GET it back byte-identical, with a plain HTTP request
        HttpResponse<byte[]> get = HTTP.send(HttpRequest.newBuilder(registry.baseUri().resolve("v2/" + repo + "/manifests/v1"))
                .header("Accept", OciRegistry.OCI_MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValue(OciRegistry.OCI_MANIFEST);
        assertThat(get.body()).isEqualTo(manifest);
        assertThat(registry.fetchManifest(repo, digest)).hasValueSatisfying(b -> assertThat(b).isEqualTo(manifest));

        // the blobs were mounted into the repository and live in the registry's filesystem storage
        assertThat(registry.fetchBlob(repo, layerDigest)).hasValueSatisfying(b -> assertThat(b).isEqualTo(layer));
        String hex = layerDigest.substring("sha256:".length());
        assertThat(registry.storageDir().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex
                + "/data")).hasBinaryContent(layer);
        assertThat(registry.storageDir().resolve("docker/registry/v2/repositories/" + repo + "/_manifests/tags/v1"))
                .isDirectory();
    }

    @Test
    void manifestReferencingAnUnknownBlobIsRejectedByTheRegistry(OciRegistry registry) {
        String repo = registry.uniqueRepository("testkit/unknown-blob");
        String missing = OciRegistry.digestOf("never pushed".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + missing
                + "\",\"size\":12},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> registry.pushManifest(repo, "v1", OciRegistry.OCI_MANIFEST, manifest))
                .hasMessageContaining("400")
                .hasMessageContaining("MANIFEST_BLOB_UNKNOWN");
        assertThat(registry.resolve(repo, "v1")).isEmpty();
    }

    @Test
    void pushTheRealGkmImageWithSkopeoAndResolveItsTag(OciRegistry registry) throws Exception {
        Path tar = Fixtures.path(GKM_IMAGE);
        String repo = registry.uniqueRepository("gkm/vector-add-cache-rocm");

        registry.pushDockerArchive(tar, repo, "latest");

        String digest = registry.resolve(repo, "latest").orElseThrow();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        byte[] manifest = registry.fetchManifest(repo, "latest").orElseThrow();
        assertThat(OciRegistry.digestOf(manifest)).isEqualTo(digest);
        String json = new String(manifest, StandardCharsets.UTF_8);
        assertThat(json).contains(GKM_IMAGE_CONFIG);
        byte[] config = registry.fetchBlob(repo, GKM_IMAGE_CONFIG).orElseThrow();
        assertThat(OciRegistry.digestOf(config)).isEqualTo(GKM_IMAGE_CONFIG);
        assertThat(new String(config, StandardCharsets.UTF_8)).contains("cache.triton.image/entry-count");
    }

    @Test
    void skopeoFailureCarriesItsStderr(OciRegistry registry, @TempDir Path tmp) throws Exception {
        Path notATar = Files.writeString(tmp.resolve("not-an-image.tar"), "this is not a tar archive");
        String repo = registry.uniqueRepository("testkit/broken");

        assertThatThrownBy(() -> registry.pushDockerArchive(notATar, repo, "x"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("failed with exit code")
                .hasMessageContaining("stderr:")
                .hasMessageMatching("(?s).*stderr:\\n.*\\S.*")
                .hasMessageContaining(notATar.toString());
        assertThat(registry.resolve(repo, "x")).isEmpty();
    }
}
