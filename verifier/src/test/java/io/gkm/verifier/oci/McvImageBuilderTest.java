package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.Digest;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class McvImageBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final McvLabels.Target GFX90A = new McvLabels.Target("hip", "gfx90a", 64);

    @Test
    void defaultImageHasGkmsExampleLabelsAndCountsItsOwnFiles() throws IOException {
        McvImage image = McvImageBuilder.create().build();
        Map<String, String> labels = labels(image.config());
        assertThat(labels).containsEntry("cache.triton.image/entry-count", "1")
                .containsEntry("cache.triton.image/summary",
                        "{\"targets\":[{\"backend\":\"hip\",\"arch\":\"gfx90a\",\"warp_size\":64}]}");
        Map<String, byte[]> files = TarFiles.gunzipAndRead(image.layer());
        long cacheBytes = files.entrySet().stream().filter(e -> e.getKey().startsWith("io.triton.cache/"))
                .mapToLong(e -> e.getValue().length).sum();
        assertThat(labels).containsEntry("cache.triton.image/cache-size-bytes", Long.toString(cacheBytes));
        assertThat(McvLabels.fromLabels(labels)).contains(image.labels());
    }

    @Test
    void layerHoldsTheCacheDirectoryNamedByTheManifestsHashAndMarkedSynthetic() throws IOException {
        Map<String, byte[]> files = TarFiles.gunzipAndRead(McvImageBuilder.create().build().layer());
        JsonNode entry = JSON.readTree(files.get("io.triton.manifest/manifest.json")).path("triton").get(0);
        String dir = "io.triton.cache/" + entry.path("hash").asText() + "/";
        assertThat(files.keySet()).contains(dir + "add_kernel.json", dir + "add_kernel.hsaco",
                dir + "add_kernel.ttir", dir + "__grp__add_kernel.json");
        assertThat(new String(files.get(dir + "add_kernel.hsaco"), 0, McvImageBuilder.SYNTHETIC_MARK.length(),
                StandardCharsets.US_ASCII)).isEqualTo(McvImageBuilder.SYNTHETIC_MARK);
        assertThat(entry.path("warp_size").asInt()).isEqualTo(64);
        assertThat(entry.path("arch").asText()).isEqualTo("gfx90a");
    }

    @Test
    void manifestDescribesConfigAndLayerAndConfigNamesTheUncompressedLayer() throws IOException {
        McvImage image = McvImageBuilder.create().build();
        byte[] manifestBytes = image.manifest();
        Manifest manifest = Manifest.parse(image.digest(), manifestBytes, null, "built");
        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(manifest.config()).isEqualTo(Descriptor.of(MediaTypes.OCI_CONFIG, image.config()));
        assertThat(manifest.layers()).containsExactly(Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, image.layer()));
        byte[] tar = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(image.layer())).readAllBytes();
        assertThat(JSON.readTree(image.config()).path("rootfs").path("diff_ids").get(0).asText())
                .isEqualTo(Digest.sha256(tar).toString());
    }

    @Test
    void sameParametersSameDigestOtherParametersOtherDigest() {
        assertThat(McvImageBuilder.create().build().digest()).isEqualTo(McvImageBuilder.create().build().digest());
        assertThat(McvImageBuilder.create().kernel("mul_kernel", GFX90A).build().digest())
                .isNotEqualTo(McvImageBuilder.create().build().digest());
        assertThat(McvImageBuilder.create().binaryBytes(100_000).build().layer().length).isGreaterThan(100_000);
    }

    @Test
    void severalKernelsAndTargetsAreCountedAndSummarised() throws IOException {
        McvLabels.Target sm75 = new McvLabels.Target("cuda", "75", 32);
        McvImage image = McvImageBuilder.create().kernel("add_kernel", GFX90A).kernel("mul_kernel", GFX90A)
                .kernel("add_kernel", sm75).build();
        McvLabels labels = McvLabels.fromLabels(labels(image.config())).orElseThrow();
        assertThat(labels.entryCount()).isEqualTo(3);
        assertThat(labels.targets()).containsExactly(GFX90A, sm75);
        assertThat(TarFiles.gunzipAndRead(image.layer()).keySet()).anyMatch(p -> p.endsWith("/add_kernel.cubin"));
    }

    @Test
    void unsafeOrDuplicateKernelsAreRefused() {
        assertThatThrownBy(() -> McvImageBuilder.create().kernel("../etc", GFX90A)).hasMessageContaining("C identifier");
        assertThatThrownBy(() -> McvImageBuilder.create().kernel("k", new McvLabels.Target("hip", "gfx/90a", 64)))
                .hasMessageContaining("backend and arch");
        assertThatThrownBy(() -> McvImageBuilder.create().kernel("k", GFX90A).kernel("k", GFX90A).build())
                .hasMessageContaining("given twice");
    }

    /** The real GKM image (docker save): the built image must use the same label keys and layer folders. */
    @Test
    void sameLabelKeysAndLayerFoldersAsTheRealGkmImage() throws IOException {
        Path tar = Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar");
        Map<String, byte[]> archive = TarFiles.read(Files.readAllBytes(tar));
        JsonNode saved = JSON.readTree(archive.get("manifest.json")).get(0);
        Map<String, String> realLabels = labels(archive.get(saved.path("Config").asText()));
        Map<String, byte[]> realLayer = TarFiles.read(archive.get(saved.path("Layers").get(0).asText()));

        McvImage built = McvImageBuilder.create().build();
        Map<String, byte[]> builtLayer = TarFiles.gunzipAndRead(built.layer());

        assertThat(labels(built.config()).keySet()).isEqualTo(realLabels.keySet());
        assertThat(TarFiles.topLevel(builtLayer)).isEqualTo(TarFiles.topLevel(realLayer))
                .containsExactly("io.triton.cache", "io.triton.manifest");
        assertThat(entryKeys(builtLayer)).isEqualTo(entryKeys(realLayer));
        assertThat(McvLabels.fromLabels(labels(built.config())).orElseThrow().targets())
                .isEqualTo(McvLabels.fromLabels(realLabels).orElseThrow().targets());
    }

    private static Map<String, String> labels(byte[] config) {
        return ImageConfig.parse(Digest.sha256(config), config, "config").labels();
    }

    /** The field names of the entries of io.triton.manifest/manifest.json. */
    private static Set<String> entryKeys(Map<String, byte[]> layer) throws IOException {
        Set<String> keys = new TreeSet<>();
        for (JsonNode entry : JSON.readTree(layer.get("io.triton.manifest/manifest.json")).path("triton")) {
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
        }
        return keys;
    }
}
